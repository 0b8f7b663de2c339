/**
 * Who can access a LookML model, from plain Looker data (no VS Code, no HTTP): model sets containing the model →
 * roles using one of them → users holding a role directly, or through a group, or through a group nested (at any
 * depth) inside a group that holds the role. Each user appears once, with every (role, group path) that grants it.
 */
import { mapLimit } from '../util/concurrency';
import { PromiseCache } from '../util/promiseCache';

export interface NamedRef {
  id: string;
  name: string;
}

export interface ModelSetData {
  id?: string | null;
  name?: string | null;
  models?: string[] | null;
  /** The built-in "All" model set: every model, present and future. */
  all_access?: boolean;
}

export interface RoleData {
  id?: string | null;
  name?: string | null;
  model_set?: { id?: string | null } | null;
  /** Some payloads (and the sandbox seed) carry the id only. */
  model_set_id?: string | null;
  permission_set?: { all_access?: boolean; permissions?: string[] | null } | null;
}

export interface UserData {
  id?: string | null;
}

export interface GroupData {
  id?: string | null;
  name?: string | null;
}

/** Loads what the resolution needs, on demand (HTTP in the extension, maps in tests). */
export interface AccessSource {
  modelSets(): Promise<ModelSetData[]>;
  roles(): Promise<RoleData[]>;
  /** Users holding the role directly (`role_users?direct_association_only=true`). */
  roleUsers(roleId: string): Promise<UserData[]>;
  /** Groups holding the role (`role_groups`). */
  roleGroups(roleId: string): Promise<GroupData[]>;
  /** Direct members of a group (`all_group_users`). */
  groupUsers(groupId: string): Promise<UserData[]>;
  /** Groups included in a group (`all_group_groups`). */
  groupGroups(groupId: string): Promise<GroupData[]>;
}

export interface AccessGrantPath {
  role: NamedRef;
  /** Empty for a direct role; else the role's group first, then each nested group down to the user's own group. */
  groups: NamedRef[];
}

export interface UserAccess<U extends UserData = UserData> {
  id: string;
  user: U;
  grants: AccessGrantPath[];
}

export interface ModelAccess<U extends UserData = UserData> {
  model: string;
  modelSets: NamedRef[];
  roles: NamedRef[];
  users: UserAccess<U>[];
}

export interface ResolveOptions {
  /** Only count roles whose permission set has this permission (or all access), e.g. `access_data`. */
  permission?: string;
  /** Concurrency of the per-role and per-group requests. */
  concurrency?: number;
}

function ref(x: { id?: string | null; name?: string | null }): NamedRef {
  const id = String(x.id ?? '');
  return { id, name: x.name ?? id };
}

export function modelSetContains(set: ModelSetData, model: string): boolean {
  return !!set.all_access || (set.models ?? []).includes(model);
}

function roleModelSetId(role: RoleData): string | undefined {
  const id = role.model_set?.id ?? role.model_set_id;
  return id === null || id === undefined ? undefined : String(id);
}

function roleHasPermission(role: RoleData, permission: string | undefined): boolean {
  if (!permission) return true;
  const ps = role.permission_set;
  if (!ps) return true; // not loaded: do not guess a refusal
  return !!ps.all_access || (ps.permissions ?? []).includes(permission);
}

/** Resolves who can access `model`. The source's calls are made once per role / group (memoised here). */
export async function resolveModelAccess<U extends UserData>(
  model: string,
  source: AccessSource,
  options: ResolveOptions = {},
): Promise<ModelAccess<U>> {
  const concurrency = options.concurrency ?? 4;
  const sets = (await source.modelSets()).filter((s) => modelSetContains(s, model));
  const setIds = new Set(sets.map((s) => String(s.id)));
  const roles = (await source.roles()).filter((r) => {
    const id = roleModelSetId(r);
    return id !== undefined && setIds.has(id) && roleHasPermission(r, options.permission);
  });

  const groupUsers = new PromiseCache<UserData[]>();
  const groupGroups = new PromiseCache<GroupData[]>();
  // The first failure fails the resolution: no request is started after it, and it is thrown once the requests
  // already under way have settled.
  let failure: { reason: unknown } | undefined;
  const each = async <T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> => {
    await mapLimit(items, Math.max(1, concurrency), async (item) => {
      if (failure) return;
      try {
        await fn(item);
      } catch (reason) {
        failure ??= { reason };
      }
    });
    if (failure) throw failure.reason;
  };

  const byUser = new Map<string, UserAccess<U>>();
  const grant = (user: UserData, path: AccessGrantPath) => {
    const id = String(user.id ?? '');
    if (!id) return;
    let entry = byUser.get(id);
    if (!entry) {
      entry = { id, user: user as U, grants: [] };
      byUser.set(id, entry);
    }
    const key = JSON.stringify([path.role.id, path.groups.map((g) => g.id)]);
    if (!entry.grants.some((g) => JSON.stringify([g.role.id, g.groups.map((x) => x.id)]) === key)) entry.grants.push(path);
  };

  await each(roles, async (r) => {
    const role = ref(r);
    const [direct, groups] = await Promise.all([source.roleUsers(role.id), source.roleGroups(role.id)]);
    for (const u of direct) grant(u, { role, groups: [] });
    // Breadth-first through nested groups; each group is visited once per role (cycles end there).
    const seen = new Set<string>();
    let frontier: NamedRef[][] = [];
    for (const g of groups) {
      const gr = ref(g);
      if (gr.id && !seen.has(gr.id)) {
        seen.add(gr.id);
        frontier.push([gr]);
      }
    }
    while (frontier.length) {
      const next: NamedRef[][] = [];
      await each(frontier, async (path) => {
        const g = path[path.length - 1];
        const [members, children] = await Promise.all([
          groupUsers.get(g.id, () => source.groupUsers(g.id)),
          groupGroups.get(g.id, () => source.groupGroups(g.id)),
        ]);
        for (const u of members) grant(u, { role, groups: path });
        for (const c of children) {
          const cr = ref(c);
          if (cr.id && !seen.has(cr.id)) {
            seen.add(cr.id);
            next.push([...path, cr]);
          }
        }
      });
      frontier = next;
    }
  });

  const users = [...byUser.values()].sort((a, b) => compareIds(a.id, b.id));
  for (const u of users) u.grants.sort((a, b) => a.groups.length - b.groups.length || a.role.name.localeCompare(b.role.name));
  return { model, modelSets: sets.map(ref), roles: roles.map(ref), users };
}

function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b);
}
