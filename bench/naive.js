// The naive baselines' own calls: what a simple client would do and the extension never does.
'use strict';

/**
 * One unpaged GET /users with full user objects, through the same client (session, meter, request log) as the
 * figures it is compared with. `page` is the client's paged-list plumbing (protected in TypeScript, reachable here).
 */
function listAllUsers(client) {
  return client.page({ method: 'GET', path: '/users', query: {} });
}

module.exports = { listAllUsers };
