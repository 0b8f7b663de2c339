/**
 * What a Looker instance accepts for the user endpoints this extension uses: the `search_users` and
 * `search_users_names` query parameters and the properties of `User`. Read from an API spec (the instance's own,
 * at the `swagger_url` that `GET /versions` lists; Swagger 2.0 or OpenAPI 3.0) by {@link surfaceFromSpec}.
 *
 * `api-surface.json` next to this file is that derivation for the spec this extension is built against (26.12,
 * the in-repo `test/fixtures/looker-api/Looker.4.0.oas.json`; a unit test keeps the two equal) plus release 24.20
 * as Looker's release notes record it (scripts/gen-api-surface.js writes those lists out), used when an instance's spec cannot be read. The sandbox server
 * serves the same lists, so client and sandbox derive them once. Pure code: no `vscode` import, no file access.
 */
import surfaceJson from './api-surface.json';

export type FieldType = 'string' | 'boolean' | 'integer' | 'number' | 'object' | 'array';

export interface ApiSurface {
  /** Looker release, e.g. "24.20" or "26.12.3" ('' when unknown). */
  readonly release: string;
  /** Where the lists came from: the instance's own spec, or the built-in lists for its release. */
  readonly source: 'spec' | 'builtin';
  /** Query parameters of GET /users/search. */
  readonly searchUsers: ReadonlySet<string>;
  /** Query parameters of GET /users/search/names/{pattern}. */
  readonly searchUsersNames: ReadonlySet<string>;
  /** Properties of the User model and their JSON type. */
  readonly user: ReadonlyMap<string, FieldType>;
}

interface SurfaceLists {
  readonly searchUsers: readonly string[];
  readonly searchUsersNames: readonly string[];
  readonly user: Readonly<Record<string, FieldType>>;
}

const BUILTIN = surfaceJson as { readonly spec: string; readonly releases: Readonly<Record<string, SurfaceLists>> };

/** The release the built-in lists are generated from (the spec this extension is built against). */
export const CURRENT_RELEASE = '26.12';
/** The oldest release with built-in lists. */
export const BASELINE_RELEASE = '24.20';

function fromLists(release: string, source: ApiSurface['source'], l: SurfaceLists): ApiSurface {
  return {
    release,
    source,
    searchUsers: new Set(l.searchUsers),
    searchUsersNames: new Set(l.searchUsersNames),
    user: new Map(Object.entries(l.user)),
  };
}

/** The built-in surface of the spec this extension is built against (26.12). */
export function currentSurface(): ApiSurface {
  return fromLists(CURRENT_RELEASE, 'builtin', BUILTIN.releases[CURRENT_RELEASE]);
}

/** "24.20.3" → [24, 20]; undefined when not a release number. */
export function releaseNumber(release: string | undefined | null): [number, number] | undefined {
  const m = /^\s*(\d+)\.(\d+)/.exec(release ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * The built-in surface for a release when its own spec cannot be read: the current lists from 26.12 on (or for an
 * unknown release), the 24.20 lists for anything older (the safe side: a feature is refused rather than silently
 * ignored by the instance).
 */
export function builtinSurface(release: string | undefined | null): ApiSurface {
  const n = releaseNumber(release);
  const [cMajor, cMinor] = releaseNumber(CURRENT_RELEASE) as [number, number];
  const older = n !== undefined && (n[0] < cMajor || (n[0] === cMajor && n[1] < cMinor));
  const key = older ? BASELINE_RELEASE : CURRENT_RELEASE;
  return fromLists(release ?? '', 'builtin', BUILTIN.releases[key]);
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function queryParams(spec: Json, path: string): string[] | undefined {
  const op = obj(obj(obj(spec.paths)?.[path])?.get);
  if (!op || !Array.isArray(op.parameters)) return undefined;
  const out: string[] = [];
  for (const p of op.parameters) {
    const param = obj(p);
    if (param && param.in === 'query' && typeof param.name === 'string') out.push(param.name);
  }
  return out;
}

function fieldType(prop: Json): FieldType {
  const t = prop.type;
  if (t === 'string' || t === 'boolean' || t === 'integer' || t === 'number' || t === 'array') return t;
  return 'object';
}

/**
 * The surface described by an API spec document (Swagger 2.0 `definitions` or OpenAPI 3.0 `components.schemas`).
 * Undefined when the document does not describe `search_users` and `User`.
 */
export function surfaceFromSpec(spec: unknown, release: string): ApiSurface | undefined {
  const doc = obj(spec);
  if (!doc) return undefined;
  const searchUsers = queryParams(doc, '/users/search');
  const searchUsersNames = queryParams(doc, '/users/search/names/{pattern}') ?? [];
  const schemas = obj(obj(doc.components)?.schemas) ?? obj(doc.definitions);
  const props = obj(obj(schemas?.User)?.properties);
  if (!searchUsers || !props) return undefined;
  const user: Record<string, FieldType> = {};
  for (const [name, p] of Object.entries(props)) user[name] = fieldType(obj(p) ?? {});
  return fromLists(release, 'spec', { searchUsers, searchUsersNames, user });
}

const SCALAR: ReadonlySet<FieldType> = new Set(['string', 'boolean', 'integer', 'number']);

/** User properties that `sorts` may name: the scalar ones. */
export function sortableUserFields(s: ApiSurface): string[] {
  return [...s.user].filter(([, t]) => SCALAR.has(t)).map(([k]) => k);
}

/** The release as people write it: "24.20" for "24.20.3". */
export function shortRelease(release: string): string {
  const n = releaseNumber(release);
  return n ? `${n[0]}.${n[1]}` : release;
}
