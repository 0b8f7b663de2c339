/**
 * Every message between the user details webview (media/details.ts) and the extension (src/details/panel.ts), in
 * both directions, with runtime validators used on both sides. Imported by the page too: no `vscode` import here.
 */

import { BOOLEAN_FIELDS, EDITABLE_FIELDS, type ConflictField, type EditValue, type EditableField, type Edits } from '../actions/edits';

// The edit vocabulary is the write pipeline's (actions/edits.ts); the page takes it from this contract.
export { BOOLEAN_FIELDS, EDITABLE_FIELDS, type ConflictField, type EditValue, type EditableField, type Edits } from '../actions/edits';

export const VIEW_TYPE = 'looker.userDetails';

/** Where a field's inline error shows: an editable field or the login email box. */
export type ErrorField = EditableField | 'email';

/** Credential kinds shown as cards. `api3` and `embed` can have several, told apart by `credentialId`. */
export const CREDENTIAL_KINDS = ['email', 'saml', 'oidc', 'google', 'ldap', 'totp', 'looker_openid', 'workforce', 'api3', 'embed'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** A label and its value, shown as text. */
export interface Row {
  label: string;
  value: string;
}

export interface CredentialCard {
  kind: CredentialKind;
  credentialId?: string;
  title: string;
  rows: Row[];
  deletable: boolean;
}

export interface EmailCredential {
  email: string;
  forcedReset: boolean;
  isDisabled: boolean;
  /** A password reset link exists and has not expired. */
  resetOutstanding: boolean;
  /** An account setup link exists and has not expired. */
  setupOutstanding: boolean;
  /**
   * Only for a login that was never used (an invited user): when it was created and the state of its link (the setup
   * link, or the reset link Looker sends instead). "Re-send setup email" sends it again.
   */
  setup?: { created: string; link: 'outstanding' | 'expired' | 'none' };
}

export interface SessionRow {
  id: string;
  browser: string;
  os: string;
  ip: string;
  location: string;
  credentialsType: string;
  created: string;
  expires: string;
  extendedCount: string;
  /** The session's expiry has passed: shown as expired, with nothing to end. */
  expired?: boolean;
}

export interface NamedRef {
  id: string;
  name: string;
}

export interface AttributeRow {
  id: string;
  label: string;
  name: string;
  /** Never the value of a hidden attribute: the host replaces it. */
  value: string;
  hidden: boolean;
  source: string;
  /** Looker's type: string, number, yesno, zipcode, datetime, relative_url, advanced_filter_*… */
  type: string;
  /** An admin can set it per user (not a system attribute, unless users may edit it). */
  editable: boolean;
  /** The user has a value of their own (source "user"), which Clear removes. */
  own: boolean;
}

export interface LockoutInfo {
  failCount: string;
  lockedAt: string;
}

/** What the page shows: everything as display-ready text, except the editable values. */
export interface DetailsData {
  connectionId: string;
  connectionName: string;
  userId: string;
  title: string;
  /** Server values of the editable fields when this data was read. */
  values: Record<EditableField, EditValue>;
  profile: Row[];
  credentials: CredentialCard[];
  email: EmailCredential | null;
  sessions: SessionRow[];
  roles: NamedRef[];
  /** Roles the user has through groups (read-only here). */
  inheritedRoles: NamedRef[];
  groups: NamedRef[];
  attributes: AttributeRow[];
  /**
   * Whether `attributes` were read: opening a user does not read them (one API call fewer); the page asks with
   * `showAttributes`, and from then on every reload of the panel reads them too.
   */
  attributesLoaded: boolean;
  /** The user's login lockout (too many failed logins), when there is one and the API user may see it. */
  lockout: LockoutInfo | null;
  /** Sections that could not be read (their localized error), by section name. */
  partialErrors: string[];
  /** Names of the folders whose ids the page shows (the home folder's, to show it by name), by id. */
  folderNames?: Record<string, string>;
  loadedAt: string;
}

/** The keys of the page's strings (the host localizes them, `strings.ts`; the page shows them by key). */
export type PageStringKey =
  | 'loading' | 'showAttributes' | 'attributesOnRequest' | 'refresh' | 'openInLooker' | 'copyJson' | 'disable'
  | 'enable' | 'disabled' | 'lockedOut' | 'unlock' | 'change' | 'set' | 'clear' | 'newHiddenValue' | 'newValueOf'
  | 'lockedOutAfter' | 'profile' | 'editable' | 'readOnly' | 'firstName' | 'lastName' | 'locale' | 'homeFolder'
  | 'chooseFolder' | 'noFolder' | 'folderById' | 'idOf' | 'modelsDirValidated' | 'canManageApiKeys' | 'save'
  | 'discardChanges' | 'unsavedChanges' | 'noChanges' | 'conflictIntro' | 'field' | 'whenLoaded' | 'yours'
  | 'nowOnServer' | 'keepMine' | 'takeTheirs' | 'saveWithChoices' | 'cancel' | 'empty' | 'credentials' | 'noCredentials'
  | 'delete' | 'loginEmail' | 'changeEmail' | 'forceReset' | 'sendReset' | 'createResetLink' | 'copyLink'
  | 'createApiKey' | 'newApiKey' | 'copySecretNow' | 'copySecret' | 'done' | 'resetLinkCreated' | 'resetOutstanding'
  | 'setupOutstanding' | 'loginNeverUsed' | 'setupLinkWaiting' | 'setupLinkExpired' | 'noSetupLink' | 'resendSetup'
  | 'noEmailCredential' | 'addEmailCredential' | 'sessions' | 'noSessions' | 'endSession' | 'expired' | 'endAllSessions'
  | 'browser' | 'os' | 'ipAddress' | 'location' | 'loginType' | 'created' | 'expires' | 'extended' | 'rolesAndGroups'
  | 'roles' | 'rolesThroughGroups' | 'groups' | 'none' | 'addRole' | 'addToGroup' | 'removeNamed' | 'userAttributes'
  | 'noAttributes' | 'attribute' | 'value' | 'source' | 'openDocs' | 'loadFailed' | 'tryAgain' | 'partsNotLoaded'
  | 'loadedAt' | 'dismiss';
/** The page's strings, localized: one for every key. */
export type PageStrings = Record<PageStringKey, string>;

export interface FieldError {
  field: ErrorField;
  message: string;
}


export type HostMessage =
  | { type: 'init'; data: DetailsData; strings: PageStrings }
  | { type: 'data'; data: DetailsData }
  | { type: 'loadError'; message: string }
  | { type: 'busy'; label: string | null }
  | { type: 'fieldErrors'; errors: FieldError[] }
  | { type: 'conflict'; fields: ConflictField[] }
  | { type: 'saved'; fields: EditableField[] }
  | { type: 'error'; message: string; docs: boolean }
  | { type: 'resetLink'; expiresAt: string | null }
  /** Unsaved edits kept when the tab was closed, put back into the form on reopen. */
  | { type: 'restoreDraft'; edits: Edits; base: Edits }
  | { type: 'attributeSaved'; attributeId: string }
  /** The folder chosen in the home folder picker: the page puts its id into the form (an unsaved edit). */
  | { type: 'folderPicked'; id: string; name: string }
  /** A new API key: its secret is shown once (never kept in the page's state); null clears the display. */
  | { type: 'apiKeyCreated'; key: { clientId: string; secret: string } | null };

export type PageMessage =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'save'; edits: Edits; base: Edits }
  | { type: 'openInLooker' }
  | { type: 'copyJson' }
  | { type: 'setDisabled'; disabled: boolean }
  | { type: 'changeEmail'; email: string }
  | { type: 'addEmail'; email: string }
  | { type: 'setForcedReset'; value: boolean }
  | { type: 'sendReset' }
  | { type: 'createResetLink' }
  | { type: 'copyResetLink' }
  | { type: 'createApiKey' }
  | { type: 'copyApiKeySecret' }
  | { type: 'dismissApiKeySecret' }
  | { type: 'deleteCredential'; kind: CredentialKind; credentialId?: string }
  | { type: 'endSession'; sessionId: string }
  | { type: 'endAllSessions' }
  | { type: 'addRole' }
  | { type: 'removeRole'; roleId: string }
  | { type: 'addGroup' }
  | { type: 'removeGroup'; groupId: string }
  | { type: 'unlock' }
  | { type: 'setAttribute'; attributeId: string; value: string }
  | { type: 'clearAttribute'; attributeId: string }
  /** Read the user's attribute values (not read when the user is opened). */
  | { type: 'showAttributes' }
  | { type: 'openDocs' }
  /** "Choose folder…" next to the home folder: the host shows the folder picker. */
  | { type: 'pickFolder' }
  /** The unsaved edits now (empty when none): the host marks the tab and keeps them if the tab is closed. */
  | { type: 'dirty'; edits: Edits; base: Edits };

/** Longest text accepted from the page in any field (a 300-char name fits; a megabyte does not). */
export const MAX_TEXT = 1000;
const MAX_ID = 100;

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function isStr(x: unknown, max = MAX_TEXT): x is string {
  return typeof x === 'string' && x.length <= max;
}
function isId(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= MAX_ID;
}
function isBool(x: unknown): x is boolean {
  return typeof x === 'boolean';
}
function hasOnly(o: Obj, keys: readonly string[]): boolean {
  return Object.keys(o).every((k) => keys.includes(k));
}
function isEditableField(x: unknown): x is EditableField {
  return typeof x === 'string' && (EDITABLE_FIELDS as readonly string[]).includes(x);
}

/** A value of the right type for that field: boolean fields take booleans, text fields strings or null. */
export function isEditValueFor(field: EditableField, v: unknown): v is EditValue {
  if (BOOLEAN_FIELDS.includes(field)) return typeof v === 'boolean' || (field === 'models_dir_validated' && v === null);
  return v === null || isStr(v);
}

function isEdits(x: unknown): x is Edits {
  if (!isObj(x)) return false;
  return Object.keys(x).every((k) => isEditableField(k) && isEditValueFor(k, x[k]));
}

const NO_FIELDS = ['type'] as const;
const PAGE_SHAPES: Record<PageMessage['type'], (o: Obj) => boolean> = {
  ready: (o) => hasOnly(o, NO_FIELDS),
  refresh: (o) => hasOnly(o, NO_FIELDS),
  save: (o) => hasOnly(o, ['type', 'edits', 'base']) && isEdits(o.edits) && isEdits(o.base),
  openInLooker: (o) => hasOnly(o, NO_FIELDS),
  copyJson: (o) => hasOnly(o, NO_FIELDS),
  setDisabled: (o) => hasOnly(o, ['type', 'disabled']) && isBool(o.disabled),
  changeEmail: (o) => hasOnly(o, ['type', 'email']) && isStr(o.email, 320),
  addEmail: (o) => hasOnly(o, ['type', 'email']) && isStr(o.email, 320),
  setForcedReset: (o) => hasOnly(o, ['type', 'value']) && isBool(o.value),
  sendReset: (o) => hasOnly(o, NO_FIELDS),
  createResetLink: (o) => hasOnly(o, NO_FIELDS),
  copyResetLink: (o) => hasOnly(o, NO_FIELDS),
  createApiKey: (o) => hasOnly(o, NO_FIELDS),
  copyApiKeySecret: (o) => hasOnly(o, NO_FIELDS),
  dismissApiKeySecret: (o) => hasOnly(o, NO_FIELDS),
  deleteCredential: (o) =>
    hasOnly(o, ['type', 'kind', 'credentialId']) &&
    typeof o.kind === 'string' &&
    (CREDENTIAL_KINDS as readonly string[]).includes(o.kind) &&
    // api3 and embed credentials are deleted one by one (id required); the others have no id.
    (o.kind === 'api3' || o.kind === 'embed' ? isId(o.credentialId) : o.credentialId === undefined),
  endSession: (o) => hasOnly(o, ['type', 'sessionId']) && isId(o.sessionId),
  endAllSessions: (o) => hasOnly(o, NO_FIELDS),
  addRole: (o) => hasOnly(o, NO_FIELDS),
  removeRole: (o) => hasOnly(o, ['type', 'roleId']) && isId(o.roleId),
  addGroup: (o) => hasOnly(o, NO_FIELDS),
  removeGroup: (o) => hasOnly(o, ['type', 'groupId']) && isId(o.groupId),
  unlock: (o) => hasOnly(o, NO_FIELDS),
  setAttribute: (o) => hasOnly(o, ['type', 'attributeId', 'value']) && isId(o.attributeId) && isStr(o.value, 4000),
  clearAttribute: (o) => hasOnly(o, ['type', 'attributeId']) && isId(o.attributeId),
  showAttributes: (o) => hasOnly(o, NO_FIELDS),
  openDocs: (o) => hasOnly(o, NO_FIELDS),
  pickFolder: (o) => hasOnly(o, NO_FIELDS),
  dirty: (o) => hasOnly(o, ['type', 'edits', 'base']) && isEdits(o.edits) && isEdits(o.base),
};

/** True when `x` is an object whose `type` is one of `shapes` and that has its shape. Never throws. */
function hasShape<T extends { type: string }>(shapes: Record<T['type'], (o: Obj) => boolean>, x: unknown): x is T {
  try {
    if (!isObj(x) || typeof x.type !== 'string' || !Object.prototype.hasOwnProperty.call(shapes, x.type)) return false;
    return shapes[x.type as T['type']](x);
  } catch {
    return false;
  }
}

/** True when `x` is a well-formed message from the page (untrusted input). Never throws. */
export function isPageMessage(x: unknown): x is PageMessage {
  return hasShape<PageMessage>(PAGE_SHAPES, x);
}

function isRow(x: unknown): boolean {
  return isObj(x) && typeof x.label === 'string' && typeof x.value === 'string';
}
function isArrayOf(x: unknown, f: (v: unknown) => boolean): boolean {
  return Array.isArray(x) && x.every(f);
}
function isNamed(x: unknown): boolean {
  return isObj(x) && typeof x.id === 'string' && typeof x.name === 'string';
}
function allStrings(o: unknown, keys: readonly string[]): boolean {
  return isObj(o) && keys.every((k) => typeof o[k] === 'string');
}

export function isDetailsData(x: unknown): x is DetailsData {
  if (!isObj(x)) return false;
  if (!allStrings(x, ['connectionId', 'connectionName', 'userId', 'title', 'loadedAt'])) return false;
  const v = x.values;
  if (!isObj(v) || !EDITABLE_FIELDS.every((f) => f in v && isEditValueFor(f, v[f]))) return false;
  if (!isArrayOf(x.profile, isRow)) return false;
  const card = (c: unknown) =>
    isObj(c) &&
    typeof c.kind === 'string' &&
    (CREDENTIAL_KINDS as readonly string[]).includes(c.kind) &&
    (c.credentialId === undefined || typeof c.credentialId === 'string') &&
    typeof c.title === 'string' &&
    isArrayOf(c.rows, isRow) &&
    isBool(c.deletable);
  if (!isArrayOf(x.credentials, card)) return false;
  const e = x.email;
  if (e !== null && !(isObj(e) && typeof e.email === 'string' && ['forcedReset', 'isDisabled', 'resetOutstanding', 'setupOutstanding'].every((k) => isBool(e[k])))) {
    return false;
  }
  if (e !== null && e.setup !== undefined && !(allStrings(e.setup, ['created', 'link']) && ['outstanding', 'expired', 'none'].includes(String((e.setup as Obj).link)))) return false;
  const session = (s: unknown) =>
    allStrings(s, ['id', 'browser', 'os', 'ip', 'location', 'credentialsType', 'created', 'expires', 'extendedCount']) &&
    ((s as Obj).expired === undefined || isBool((s as Obj).expired));
  if (!isArrayOf(x.sessions, session)) return false;
  if (!isArrayOf(x.roles, isNamed) || !isArrayOf(x.inheritedRoles, isNamed) || !isArrayOf(x.groups, isNamed)) return false;
  const attr = (a: unknown) => allStrings(a, ['id', 'label', 'name', 'value', 'source', 'type']) && ['hidden', 'editable', 'own'].every((k) => isBool((a as Obj)[k]));
  if (!isArrayOf(x.attributes, attr) || !isBool(x.attributesLoaded)) return false;
  if (x.lockout !== null && !allStrings(x.lockout, ['failCount', 'lockedAt'])) return false;
  if (x.folderNames !== undefined && !(isObj(x.folderNames) && Object.values(x.folderNames).every((n) => typeof n === 'string'))) return false;
  return isArrayOf(x.partialErrors, (s) => typeof s === 'string');
}

const HOST_SHAPES: Record<HostMessage['type'], (o: Obj) => boolean> = {
  init: (o) => isDetailsData(o.data) && isObj(o.strings) && Object.values(o.strings).every((s) => typeof s === 'string'),
  data: (o) => isDetailsData(o.data),
  loadError: (o) => typeof o.message === 'string',
  busy: (o) => o.label === null || typeof o.label === 'string',
  fieldErrors: (o) =>
    isArrayOf(o.errors, (e) => isObj(e) && typeof e.message === 'string' && (e.field === 'email' || isEditableField(e.field))),
  conflict: (o) =>
    isArrayOf(o.fields, (c) => isObj(c) && isEditableField(c.field) && ['base', 'mine', 'theirs'].every((k) => isEditValueFor(c.field as EditableField, c[k]))),
  saved: (o) => isArrayOf(o.fields, isEditableField),
  error: (o) => typeof o.message === 'string' && isBool(o.docs),
  resetLink: (o) => o.expiresAt === null || typeof o.expiresAt === 'string',
  restoreDraft: (o) => isEdits(o.edits) && isEdits(o.base),
  attributeSaved: (o) => isId(o.attributeId),
  folderPicked: (o) => isId(o.id) && typeof o.name === 'string',
  apiKeyCreated: (o) => o.key === null || (isObj(o.key) && typeof o.key.clientId === 'string' && typeof o.key.secret === 'string'),
};

/** True when `x` is a well-formed message from the host. Never throws. */
export function isHostMessage(x: unknown): x is HostMessage {
  return hasShape<HostMessage>(HOST_SHAPES, x);
}

/** What the page keeps with `setState` (survives hide/show and window reload; the serializer reads it). */
export interface PageState {
  connectionId: string;
  userId: string;
  title?: string;
  edits: Edits;
  base: Edits;
}

export function isPageState(x: unknown): x is PageState {
  try {
    return isObj(x) && isId(x.connectionId) && isId(x.userId) && (x.title === undefined || typeof x.title === 'string') && isEdits(x.edits) && isEdits(x.base);
  } catch {
    return false;
  }
}

/** A short description of a rejected message for the log (its type, if it has a short one), never its content. */
export function describeUnknown(x: unknown): string {
  try {
    if (isObj(x) && typeof x.type === 'string') return `type "${x.type.slice(0, 40).replace(/[^\w.-]/g, '?')}"`;
  } catch {
    // fall through
  }
  return Array.isArray(x) ? 'an array' : typeof x;
}
