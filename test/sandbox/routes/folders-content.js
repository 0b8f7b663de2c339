// @ts-check
// Routes for folders: the seeded shared ones and each user's personal folder (named after the user, under "Users"),
// with the looks and dashboards in it.
const { ok, notFound, paged, searchRows, sortById } = require('./shared');

/**
 * @typedef {import('../seed').SeedUser} SeedUser
 * @typedef {import('./shared').Ctx} Ctx
 */

/** @param {import('./shared').AddRoute} add @param {import('../db').Db} db */
function addFolderRoutes(add, db) {
  /** @param {ReturnType<typeof import('../seed').generate>['folders'][number]} f */
  const sharedFolderJson = (f) => ({
    name: f.name, parent_id: f.parent_id, id: f.id, content_metadata_id: f.id, created_at: '2019-03-01T09:00:00Z', creator_id: '1',
    child_count: db.folders.filter((x) => x.parent_id === f.id).length + (f.is_users_root ? db.users.filter((u) => u.personal_folder_id).length : 0),
    external_id: null, is_embed: f.is_embed_shared_root || f.is_embed_users_root, is_embed_shared_root: f.is_embed_shared_root,
    is_embed_users_root: f.is_embed_users_root, is_personal: false, is_personal_descendant: false, is_shared_root: f.is_shared_root,
    is_users_root: f.is_users_root, can: { show: true, index: true },
  });
  /** @param {SeedUser} u */
  const personalFolderJson = (u) => ({
    name: [u.first_name, u.last_name].filter(Boolean).join(' ') || `User ${u.id}`, parent_id: '2', id: String(u.personal_folder_id),
    content_metadata_id: u.content_metadata_id ?? null, created_at: u.created_at, creator_id: u.id, child_count: 0, external_id: null,
    is_embed: false, is_embed_shared_root: false, is_embed_users_root: false, is_personal: true, is_personal_descendant: false,
    is_shared_root: false, is_users_root: false, can: { show: true, index: true },
    // The looks and dashboards directly in it (what a delete of the user sends to Trash).
    looks: (db.personalContent[String(u.personal_folder_id)]?.looks ?? []).map((l) => ({ can: {}, id: l.id, title: l.title, user_id: u.id,
      folder_id: String(u.personal_folder_id), deleted: false, is_run_on_load: false, public: false, is_owner_disabled: u.is_disabled })),
    dashboards: (db.personalContent[String(u.personal_folder_id)]?.dashboards ?? []).map((d) => ({ can: {}, id: d.id, title: d.title, user_id: u.id,
      hidden: false, readonly: false })),
  });
  /** Folders the caller may see: every folder for an admin, else the shared ones and their own personal folder. @param {Ctx} ctx */
  const visibleFolders = (ctx) => [
    ...db.folders.map(sharedFolderJson),
    ...db.users.filter((u) => u.personal_folder_id && (ctx.admin || ctx.actor?.id === u.id)).map(personalFolderJson),
  ];
  add('search_folders', 'GET', '/folders/search', (ctx) => {
    const q = ctx.query;
    const hits = searchRows(q, visibleFolders(ctx), { str: ['name'], ids: ['id', 'parent_id', 'creator_id'], bools: ['is_shared_root', 'is_users_root'] });
    return paged(db, ctx, sortById(hits, q.sorts), (f) => f);
  });
  add('folder', 'GET', '/folders/{folder_id}', (ctx) => {
    const id = ctx.params.folder_id;
    const shared = db.folders.find((f) => f.id === id);
    if (shared) return ok(ctx, sharedFolderJson(shared));
    const owner = db.users.find((u) => u.personal_folder_id === id);
    if (!owner || !(ctx.admin || ctx.actor?.id === owner.id)) throw notFound();
    return ok(ctx, personalFolderJson(owner));
  });
}

module.exports = { addFolderRoutes };
