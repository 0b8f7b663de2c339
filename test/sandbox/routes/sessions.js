// @ts-check
// Routes for a user's web sessions: list, read and end one (an admin, or the user themself).
const { sessionJson } = require('../serialise');
const { addUserItems } = require('./shared');

/** @param {import('./shared').AddRoute} add @param {import('../db').Db} db */
function addSessionRoutes(add, db) {
  addUserItems(add, db, { ops: ['all_user_sessions', 'user_session', 'delete_user_session'], path: '/users/{user_id}/sessions',
    param: 'session_id', items: (u) => u.sessions, json: (u, s) => sessionJson(db, u, s), ownMayDelete: true });
}

module.exports = { addSessionRoutes };
