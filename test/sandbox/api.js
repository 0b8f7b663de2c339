// @ts-check
// The Looker API 4.0 route table of the sandbox: the routes of each resource (routes/*.js) in matching order.
const { Db, RELEASES } = require('./db');
const { HttpError, errorBody, routeTable } = require('./routes/shared');
const { addSystemRoutes, addQueryRoutes } = require('./routes/system');
const { addUserRoutes } = require('./routes/users');
const { addCredentialRoutes } = require('./routes/credentials');
const { addServiceAccountRoutes } = require('./routes/service-accounts');
const { addScheduleRoutes } = require('./routes/schedules');
const { addSessionRoutes } = require('./routes/sessions');
const { addRoleRoutes } = require('./routes/roles');
const { addGroupRoutes } = require('./routes/groups');
const { addFolderRoutes } = require('./routes/folders-content');
const { addLockoutRoutes } = require('./routes/lockouts');
const { addAttributeRoutes } = require('./routes/attributes');

/**
 * @typedef {import('./routes/shared').Route} Route
 * @typedef {import('./routes/shared').Reply} Reply
 * @typedef {import('./routes/shared').Ctx} Ctx
 * @typedef {import('./routes/shared').TokenInfo} TokenInfo
 */

/**
 * Every API 4.0 route. The first route whose path and method fit answers, so a path with a fixed segment comes before
 * a path with a parameter in its place (`/users/search` before `/users/{user_id}`, the `/users/{user_id}/credentials_*`
 * routes before `/users/service_accounts/{user_id}`).
 * @param {Db} db
 * @param {import('./routes/system').Auth} auth
 * @returns {Route[]}
 */
function buildRoutes(db, auth) {
  const { routes, add } = routeTable();
  addSystemRoutes(add, db, auth);
  addUserRoutes(add, db);
  addCredentialRoutes(add, db);
  addServiceAccountRoutes(add, db);
  addScheduleRoutes(add, db);
  addSessionRoutes(add, db);
  addRoleRoutes(add, db);
  addGroupRoutes(add, db);
  addFolderRoutes(add, db);
  addQueryRoutes(add, db);
  addLockoutRoutes(add, db);
  addAttributeRoutes(add, db);
  return routes;
}

module.exports = { Db, buildRoutes, errorBody, HttpError, RELEASES };
