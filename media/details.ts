// The user details page (runs in the webview). Builds the DOM with createElement + textContent only: every value
// from Looker is text, never markup. Talks to the host only through the messages of src/details/protocol.ts.
import { resolveConflicts, type Choice } from '../src/details/diff';
import {
  BOOLEAN_FIELDS,
  EDITABLE_FIELDS,
  isHostMessage,
  isPageState,
  type AttributeRow,
  type ConflictField,
  type CredentialCard,
  type DetailsData,
  type EditValue,
  type EditableField,
  type Edits,
  type ErrorField,
  type HostMessage,
  type NamedRef,
  type PageMessage,
  type PageState,
  type Strings,
} from '../src/details/protocol';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;

let data: DetailsData | undefined;
let strings: Strings = {};
let edits: Edits = {};
let base: Edits = {};
let fieldErrors = new Map<ErrorField, string>();
let conflict: ConflictField[] | undefined;
let choices: Partial<Record<EditableField, Choice>> = {};
let busy: string | null = null;
let banner: { message: string; docs: boolean } | undefined;
let loadError: string | undefined;
let resetExpires: string | null | undefined;
/** A just-created API key: shown once, held only here (never in the page's saved state) until Done or the tab closes. */
let newKey: { clientId: string; secret: string } | undefined;
let emailDraft: string | undefined;
/** Folder names the picker returned, by id (the host's data names the folders it read). */
const pickedFolders = new Map<string, string>();
/** What was typed for each attribute (kept across re-renders until the host says it was saved). */
const attrDrafts = new Map<string, string>();
/** Show user attributes was clicked and the values have not arrived yet. */
let attrsAsked = false;

const restored = vscode.getState();
if (isPageState(restored)) {
  edits = { ...restored.edits };
  base = { ...restored.base };
}

/** A localized string from the host, with {0}-style arguments. */
function s(key: string, ...args: string[]): string {
  const text = strings[key] ?? key;
  return text.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? args[Number(i)] : m));
}

const FIELD_LABELS: Record<EditableField, string> = {
  first_name: 'First name',
  last_name: 'Last name',
  locale: 'Locale',
  home_folder_id: 'Home folder',
  is_disabled: 'Disabled',
  models_dir_validated: 'Models directory validated',
  can_manage_api3_creds: 'Can manage API keys',
};

type Child = Node | string | null | undefined | false;

/** Creates an element. Attributes are set one by one; event-handler and style attributes are refused. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (/^on/i.test(k) || k === 'style') throw new Error(`refused attribute ${k}`);
    if (k === 'class') e.className = String(v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

function icon(name: string): HTMLElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

function button(label: string, onClick: () => void, opts: { icon?: string; secondary?: boolean; disabled?: boolean; title?: string; id?: string; iconOnly?: boolean } = {}): HTMLButtonElement {
  const b = h(
    'button',
    {
      type: 'button',
      class: `btn${opts.secondary ? ' secondary' : ''}${opts.iconOnly ? ' icon-only' : ''}`,
      disabled: opts.disabled || !!busy,
      title: opts.title ?? (opts.iconOnly ? label : undefined),
      'aria-label': opts.iconOnly ? label : undefined,
      id: opts.id,
    },
    opts.icon ? icon(opts.icon) : null,
    opts.iconOnly ? null : h('span', {}, label),
  );
  b.addEventListener('click', onClick);
  return b;
}

function post(m: PageMessage): void {
  vscode.postMessage(m);
}

let lastDirty = '';

function saveState(): void {
  if (!data) return;
  vscode.setState({ connectionId: data.connectionId, userId: data.userId, title: data.title, edits, base });
  // The host marks the tab and keeps the draft if the tab is closed; tell it only when the edits changed.
  const now = JSON.stringify([edits, base]);
  if (now !== lastDirty) {
    lastDirty = now;
    post({ type: 'dirty', edits, base });
  }
}

function shown(v: EditValue | undefined): string {
  if (v === null || v === undefined || v === '') return s('(empty)');
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  return v;
}

function currentValue(f: EditableField): EditValue {
  if (f in edits) return edits[f] as EditValue;
  return data ? data.values[f] : null;
}

function dirtyFields(): EditableField[] {
  return EDITABLE_FIELDS.filter((f) => f in edits);
}

/** Records an edit; an edit back to the value it started from is no edit. */
function setEdit(f: EditableField, v: EditValue): void {
  if (!data) return;
  const start = f in base ? base[f] : data.values[f];
  const norm = (x: EditValue | undefined) => (x === '' || x === undefined ? null : x);
  if (norm(v) === norm(start)) {
    delete edits[f];
    delete base[f];
  } else {
    if (!(f in base)) base[f] = data.values[f];
    edits[f] = v;
  }
  fieldErrors.delete(f);
  saveState();
  updateDirty();
}

function updateDirty(): void {
  const n = dirtyFields().length;
  const save = document.getElementById('save') as HTMLButtonElement | null;
  const discard = document.getElementById('discard') as HTMLButtonElement | null;
  const status = document.getElementById('dirty');
  if (save) save.disabled = n === 0 || !!busy;
  if (discard) discard.disabled = n === 0 || !!busy;
  if (status) status.textContent = n ? s('Unsaved changes') : s('No changes');
  for (const f of EDITABLE_FIELDS) document.getElementById(`row-${f}`)?.classList.toggle('changed', f in edits);
}

function save(): void {
  const fields = dirtyFields();
  if (!fields.length || busy) return;
  const e: Edits = {};
  const b: Edits = {};
  for (const f of fields) {
    e[f] = edits[f];
    b[f] = f in base ? base[f] : data?.values[f] ?? null;
  }
  post({ type: 'save', edits: e, base: b });
}

function fieldError(f: ErrorField): HTMLElement | null {
  const msg = fieldErrors.get(f);
  return msg ? h('div', { class: 'field-error', id: `err-${f}`, role: 'alert' }, icon('error'), msg) : null;
}

/** The home folder by name, with "Choose folder…" (a folder picker on the host) instead of a raw id box. */
function folderRow(f: EditableField): HTMLElement {
  const v = currentValue(f);
  const id = typeof v === 'string' && v !== '' ? v : null;
  const name = id === null ? s('(none)') : pickedFolders.get(id) ?? data?.folderNames?.[id] ?? s('Folder {0}', id);
  const err = fieldErrors.has(f);
  return h(
    'div',
    { class: `field${f in edits ? ' changed' : ''}`, id: `row-${f}` },
    h('label', { for: 'pick-home-folder' }, s(FIELD_LABELS[f])),
    h(
      'div',
      { class: 'inline folder' },
      h('span', { id: 'home-folder-name', class: 'folder-name', title: id === null ? undefined : s('ID {0}', id) }, icon('folder'), ' ', name),
      button(s('Choose folder…'), () => post({ type: 'pickFolder' }), { icon: 'folder-opened', secondary: true, id: 'pick-home-folder' }),
    ),
    err ? fieldError(f) : null,
  );
}

function editableRow(f: EditableField): HTMLElement {
  if (f === 'home_folder_id') return folderRow(f);
  const id = `f-${f}`;
  const err = fieldErrors.has(f);
  const value = currentValue(f);
  let input: HTMLInputElement;
  if (BOOLEAN_FIELDS.includes(f)) {
    input = h('input', { type: 'checkbox', id, 'aria-invalid': err ? 'true' : undefined, 'aria-describedby': err ? `err-${f}` : undefined });
    input.checked = value === true;
    input.addEventListener('change', () => setEdit(f, input.checked));
    return h('div', { class: `field checkbox${f in edits ? ' changed' : ''}`, id: `row-${f}` }, input, h('label', { for: id }, s(FIELD_LABELS[f])), fieldError(f));
  }
  input = h('input', {
    type: 'text',
    id,
    spellcheck: 'false',
    'aria-invalid': err ? 'true' : undefined,
    'aria-describedby': err ? `err-${f}` : undefined,
  });
  input.value = typeof value === 'string' ? value : '';
  input.addEventListener('input', () => setEdit(f, input.value === '' ? null : input.value));
  return h('div', { class: `field${f in edits ? ' changed' : ''}`, id: `row-${f}` }, h('label', { for: id }, s(FIELD_LABELS[f])), input, fieldError(f));
}

function rows(list: { label: string; value: string }[]): HTMLElement {
  const dl = h('dl', { class: 'rows' });
  for (const r of list) dl.append(h('dt', {}, r.label), h('dd', {}, r.value));
  return dl;
}

function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...children);
}

function renderHeader(d: DetailsData): HTMLElement {
  const disabled = d.values.is_disabled === true;
  return h(
    'header',
    { class: 'header' },
    h(
      'div',
      { class: 'title' },
      h('h1', { id: 'user-title' }, d.title),
      h(
        'div',
        { class: 'subtitle' },
        `${d.connectionName} · ID ${d.userId}`,
        disabled ? h('span', { class: 'badge' }, s('Disabled')) : null,
        d.lockout ? h('span', { class: 'badge', id: 'locked-badge', title: s('Locked out after {0} failed logins ({1}).', d.lockout.failCount, d.lockout.lockedAt) }, s('Locked out')) : null,
      ),
    ),
    h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': d.title },
      button(s('Refresh'), () => post({ type: 'refresh' }), { icon: 'refresh', secondary: true, id: 'refresh' }),
      button(s('Open in Looker'), () => post({ type: 'openInLooker' }), { icon: 'link-external', secondary: true }),
      button(s('Copy as JSON'), () => post({ type: 'copyJson' }), { icon: 'json', secondary: true }),
      d.lockout ? button(s('Unlock'), () => post({ type: 'unlock' }), { icon: 'unlock', secondary: true, id: 'unlock' }) : null,
      disabled
        ? button(s('Enable'), () => post({ type: 'setDisabled', disabled: false }), { icon: 'pass', secondary: true, id: 'toggle-disabled' })
        : button(s('Disable'), () => post({ type: 'setDisabled', disabled: true }), { icon: 'circle-slash', secondary: true, id: 'toggle-disabled' }),
    ),
  );
}

function renderConflict(list: ConflictField[]): HTMLElement {
  const table = h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ...['Field', 'When loaded', 'Yours', 'Now on the server', ''].map((c) => h('th', { scope: 'col' }, c ? s(c) : '')))));
  const body = h('tbody');
  for (const c of list) {
    const name = `choice-${c.field}`;
    const radio = (value: Choice, label: string) => {
      const id = `${name}-${value}`;
      const r = h('input', { type: 'radio', name, id, value });
      r.checked = (choices[c.field] ?? 'mine') === value;
      r.addEventListener('change', () => (choices[c.field] = value));
      return h('span', { class: 'radio' }, r, h('label', { for: id }, label));
    };
    body.append(
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, s(FIELD_LABELS[c.field])),
        h('td', {}, shown(c.base)),
        h('td', {}, shown(c.mine)),
        h('td', {}, shown(c.theirs)),
        h('td', { role: 'radiogroup', 'aria-label': s(FIELD_LABELS[c.field]) }, radio('mine', s('Keep mine')), radio('theirs', s('Take theirs'))),
      ),
    );
  }
  table.append(body);
  return h(
    'div',
    { class: 'conflict', id: 'conflict', role: 'alertdialog', 'aria-labelledby': 'conflict-text' },
    h('p', { id: 'conflict-text' }, icon('warning'), ' ', s('Someone else changed these fields since you opened this user. Choose, per field, which value to keep.')),
    table,
    h(
      'div',
      { class: 'actions' },
      button(s('Save with these choices'), () => {
        const r = resolveConflicts(edits, base, list, choices);
        edits = r.edits;
        base = r.base;
        conflict = undefined;
        choices = {};
        saveState();
        render();
        save();
      }, { icon: 'check', id: 'conflict-save' }),
      button(s('Cancel'), () => {
        conflict = undefined;
        render();
      }, { secondary: true }),
    ),
  );
}

function renderProfile(d: DetailsData): HTMLElement {
  const form = h('form', { id: 'profile-form', 'aria-label': s('Editable') }, ...EDITABLE_FIELDS.map(editableRow));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  const n = dirtyFields().length;
  const actions = h(
    'div',
    { class: 'actions' },
    button(s('Save'), save, { icon: 'save', id: 'save', disabled: n === 0 }),
    button(s('Discard changes'), () => {
      edits = {};
      base = {};
      fieldErrors = new Map([...fieldErrors].filter(([k]) => k === 'email'));
      saveState();
      render();
    }, { secondary: true, id: 'discard', disabled: n === 0 }),
    h('span', { id: 'dirty', class: 'muted', 'aria-live': 'polite' }, n ? s('Unsaved changes') : s('No changes')),
  );
  return section(
    'profile',
    s('Profile'),
    conflict ? renderConflict(conflict) : null,
    h('div', { class: 'columns' }, h('div', {}, h('h3', {}, s('Editable')), form, actions), h('div', {}, h('h3', {}, s('Read-only')), rows(d.profile))),
  );
}

function renderEmail(d: DetailsData): HTMLElement {
  const e = d.email;
  const input = h('input', {
    type: 'email',
    id: 'login-email',
    spellcheck: 'false',
    'aria-invalid': fieldErrors.has('email') ? 'true' : undefined,
    'aria-describedby': fieldErrors.has('email') ? 'err-email' : undefined,
  });
  input.value = emailDraft ?? e?.email ?? '';
  input.addEventListener('input', () => {
    emailDraft = input.value;
    fieldErrors.delete('email');
  });
  const submit = () => post(e ? { type: 'changeEmail', email: input.value } : { type: 'addEmail', email: input.value });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      submit();
    }
  });
  const emailRow = h(
    'div',
    { class: 'field' },
    h('label', { for: 'login-email' }, s('Login email')),
    h('div', { class: 'inline' }, input, button(e ? s('Change email') : s('Add email credential'), submit, { id: e ? 'change-email' : 'add-email' })),
    fieldError('email'),
  );
  if (!e) return h('div', { class: 'card', id: 'email-card' }, h('h3', {}, icon('mail'), ' ', s('Login email')), h('p', { class: 'muted' }, s('This user has no email credential.')), emailRow);
  const forced = h('input', { type: 'checkbox', id: 'forced-reset' });
  forced.checked = e.forcedReset;
  forced.disabled = !!busy;
  forced.addEventListener('change', () => post({ type: 'setForcedReset', value: forced.checked }));
  return h(
    'div',
    { class: 'card', id: 'email-card' },
    h('h3', {}, icon('mail'), ' ', s('Login email')),
    emailRow,
    h('div', { class: 'field checkbox' }, forced, h('label', { for: 'forced-reset' }, s('Force password reset at next login'))),
    e.resetOutstanding ? h('p', { class: 'note' }, icon('info'), ' ', s('A password reset link is outstanding.')) : null,
    e.setupOutstanding && !e.setup ? h('p', { class: 'note' }, icon('info'), ' ', s('An account setup link is outstanding.')) : null,
    e.setup
      ? h(
          'p',
          { class: 'note', id: 'setup-state' },
          icon(e.setup.link === 'expired' ? 'warning' : 'info'),
          ' ',
          s('Login created {0}, never used.', e.setup.created),
          ' ',
          e.setup.link === 'outstanding' ? s('The setup link is waiting to be used.') : e.setup.link === 'expired' ? s('The setup link expired.') : s('No setup link has been sent.'),
        )
      : null,
    h(
      'div',
      { class: 'actions' },
      e.setup
        ? button(s('Re-send setup email'), () => post({ type: 'sendReset' }), { icon: 'mail', secondary: true, id: 'send-reset' })
        : button(s('Send password reset email'), () => post({ type: 'sendReset' }), { icon: 'mail', secondary: true, id: 'send-reset' }),
      button(s('Create reset link'), () => post({ type: 'createResetLink' }), { icon: 'key', secondary: true, id: 'create-reset' }),
    ),
    resetExpires !== undefined
      ? h(
          'p',
          { class: 'note', id: 'reset-link' },
          icon('link'),
          ' ',
          s('A reset link was created. It expires {0}.', resetExpires ?? '?'),
          ' ',
          button(s('Copy link'), () => post({ type: 'copyResetLink' }), { icon: 'copy', secondary: true, id: 'copy-reset' }),
        )
      : null,
  );
}

function renderCard(c: CredentialCard): HTMLElement {
  return h(
    'div',
    { class: 'card', 'data-kind': c.kind },
    h(
      'div',
      { class: 'card-head' },
      h('h3', {}, icon(c.kind === 'api3' ? 'key' : c.kind === 'email' ? 'mail' : c.kind === 'totp' ? 'shield' : 'account'), ' ', c.title),
      c.deletable
        ? button(
            s('Delete'),
            () => post(c.kind === 'api3' || c.kind === 'embed' ? { type: 'deleteCredential', kind: c.kind, credentialId: c.credentialId ?? '' } : { type: 'deleteCredential', kind: c.kind }),
            { icon: 'trash', secondary: true, title: `${s('Delete')} ${c.title}` },
          )
        : null,
    ),
    rows(c.rows),
  );
}

function renderNewKey(): HTMLElement | null {
  if (!newKey) return null;
  return h(
    'div',
    { class: 'card', id: 'new-api-key' },
    h('h3', {}, icon('key'), ' ', s('New API key {0}', newKey.clientId)),
    h('p', { class: 'note' }, icon('warning'), ' ', s('Copy the client secret now: Looker shows it only once, and it is not kept anywhere.')),
    h('p', {}, h('code', { id: 'api-key-secret' }, newKey.secret)),
    h(
      'div',
      { class: 'actions' },
      button(s('Copy secret'), () => post({ type: 'copyApiKeySecret' }), { icon: 'copy', id: 'copy-api-secret' }),
      button(s('Done'), () => {
        newKey = undefined;
        post({ type: 'dismissApiKeySecret' });
        render();
      }, { secondary: true, id: 'dismiss-api-secret' }),
    ),
  );
}

function renderCredentials(d: DetailsData): HTMLElement {
  return section(
    'credentials',
    s('Credentials'),
    renderEmail(d),
    renderNewKey(),
    h('div', { class: 'actions' }, button(s('Create API key'), () => post({ type: 'createApiKey' }), { icon: 'add', secondary: true, id: 'create-api-key' })),
    d.credentials.length ? h('div', { class: 'cards' }, ...d.credentials.map(renderCard)) : h('p', { class: 'muted' }, s('No credentials.')),
  );
}

function renderSessions(d: DetailsData): HTMLElement {
  if (!d.sessions.length) return section('sessions', s('Sessions'), h('p', { class: 'muted' }, s('No web sessions.')));
  const cols = ['Browser', 'OS', 'IP address', 'Location', 'Login type', 'Created', 'Expires', 'Extended', ''];
  const table = h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col' }, c ? s(c) : '')))));
  const body = h('tbody');
  for (const x of d.sessions) {
    body.append(
      h(
        'tr',
        { 'data-session': x.id, class: x.expired ? 'expired' : undefined },
        ...[x.browser, x.os, x.ip, x.location, x.credentialsType, x.created, x.expires, x.extendedCount].map((v, i) => h('td', { 'data-label': s(cols[i]) }, v)),
        h(
          'td',
          {},
          x.expired
            ? h('span', { class: 'expired-badge' }, s('Expired'))
            : button(s('End session'), () => post({ type: 'endSession', sessionId: x.id }), { icon: 'debug-disconnect', secondary: true }),
        ),
      ),
    );
  }
  table.append(body);
  return section(
    'sessions',
    `${s('Sessions')} (${d.sessions.length})`,
    h('div', { class: 'scroll' }, table),
    h('div', { class: 'actions' }, button(s('End all sessions'), () => post({ type: 'endAllSessions' }), { icon: 'close-all', secondary: true, id: 'end-all' })),
  );
}

function chips(list: NamedRef[], remove?: (r: NamedRef) => void): HTMLElement {
  if (!list.length) return h('p', { class: 'muted' }, s('None'));
  return h(
    'ul',
    { class: 'chips' },
    ...list.map((r) => h('li', { class: 'chip' }, h('span', {}, r.name), remove ? button(s('Remove {0}', r.name), () => remove(r), { icon: 'close', iconOnly: true, secondary: true }) : null)),
  );
}

function renderAccess(d: DetailsData): HTMLElement {
  return section(
    'access',
    s('Roles and groups'),
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        {},
        h('h3', {}, s('Roles')),
        chips(d.roles, (r) => post({ type: 'removeRole', roleId: r.id })),
        button(s('Add role…'), () => post({ type: 'addRole' }), { icon: 'add', secondary: true, id: 'add-role' }),
        d.inheritedRoles.length ? h('div', {}, h('h3', {}, s('Roles through groups')), chips(d.inheritedRoles)) : null,
      ),
      h(
        'div',
        {},
        h('h3', {}, s('Groups')),
        chips(d.groups, (g) => post({ type: 'removeGroup', groupId: g.id })),
        button(s('Add to group…'), () => post({ type: 'addGroup' }), { icon: 'add', secondary: true, id: 'add-group' }),
      ),
    ),
  );
}

/** A timestamp in the page's language (VS Code's display language, set as <html lang>) and local time zone. */
function localTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || 'en', { dateStyle: 'medium', timeStyle: 'medium' }).format(new Date(ms));
  } catch {
    return new Date(ms).toLocaleString();
  }
}

/** A value box (a password box for a hidden attribute: its value is never shown), Set, and Clear for the user's own value. */
function attributeEditor(a: AttributeRow): HTMLElement {
  const id = `attr-${a.id}`;
  const input = h('input', {
    type: a.hidden ? 'password' : 'text',
    id,
    spellcheck: 'false',
    autocomplete: 'off',
    placeholder: a.hidden ? s('New hidden value') : a.type,
    'aria-label': s('New value of {0}', a.label),
  });
  input.value = attrDrafts.get(a.id) ?? '';
  input.addEventListener('input', () => attrDrafts.set(a.id, input.value));
  const set = () => post({ type: 'setAttribute', attributeId: a.id, value: input.value });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      set();
    }
  });
  return h(
    'div',
    { class: 'inline' },
    input,
    button(s('Set'), set, { id: `set-${id}`, secondary: true }),
    a.own ? button(s('Clear'), () => post({ type: 'clearAttribute', attributeId: a.id }), { id: `clear-${id}`, secondary: true, icon: 'close' }) : null,
  );
}

function renderAttributes(d: DetailsData): HTMLElement {
  if (!d.attributesLoaded) {
    // Not read when the user is opened: one API call more, made only when asked for.
    const ask = () => {
      attrsAsked = true;
      render();
      post({ type: 'showAttributes' });
    };
    return section(
      'attributes',
      s('User attributes'),
      h('p', { class: 'muted' }, s('Read when you ask for them (one more API call).')),
      h('div', { class: 'actions' }, button(attrsAsked ? s('Loading…') : s('Show user attributes'), ask, { id: 'show-attributes', icon: attrsAsked ? 'loading' : 'eye', disabled: attrsAsked })),
    );
  }
  if (!d.attributes.length) return section('attributes', s('User attributes'), h('p', { class: 'muted' }, s('No user attributes.')));
  const table = h(
    'table',
    { class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s('Attribute')), h('th', { scope: 'col' }, s('Value')), h('th', { scope: 'col' }, s('Source')), h('th', { scope: 'col' }, s('Change')))),
  );
  const body = h('tbody');
  // With all values listed, an attribute can have several rows (user, groups, default): the editor is on its first.
  const edited = new Set<string>();
  for (const a of d.attributes) {
    const first = !edited.has(a.id);
    edited.add(a.id);
    body.append(
      h(
        'tr',
        {},
        h('td', { 'data-label': s('Attribute') }, h('span', {}, a.label), a.label !== a.name ? h('span', { class: 'muted' }, ` (${a.name})`) : null),
        h('td', { 'data-label': s('Value'), class: a.hidden ? 'muted' : undefined }, a.hidden ? icon('lock') : null, a.hidden ? ' ' : null, a.value),
        h('td', { 'data-label': s('Source') }, a.source),
        h('td', { 'data-label': s('Change') }, !first ? null : a.editable ? attributeEditor(a) : h('span', { class: 'muted' }, s('Read-only'))),
      ),
    );
  }
  table.append(body);
  return section('attributes', s('User attributes'), h('div', { class: 'scroll' }, table));
}

function renderBanner(): HTMLElement | null {
  if (!banner) return null;
  const b = banner;
  return h(
    'div',
    { class: 'banner error', role: 'alert', id: 'banner' },
    icon('error'),
    h('span', { class: 'grow' }, b.message),
    b.docs ? button(s('Open documentation'), () => post({ type: 'openDocs' }), { icon: 'book', secondary: true }) : null,
    button(s('Dismiss'), () => {
      banner = undefined;
      render();
    }, { icon: 'close', secondary: true, iconOnly: true }),
  );
}

/** Rebuilds the page, keeping the focused control and its caret. */
function render(): void {
  const active = document.activeElement as HTMLInputElement | null;
  const focusId = active && active.id ? active.id : undefined;
  const sel = active && typeof active.selectionStart === 'number' ? [active.selectionStart, active.selectionEnd] : undefined;
  app.replaceChildren();
  app.setAttribute('aria-busy', busy || !data ? 'true' : 'false');
  if (busy) app.append(h('div', { class: 'progress', role: 'progressbar', 'aria-label': busy }, h('div', { class: 'bar' })), h('div', { class: 'busy-label muted' }, busy));
  if (loadError && !data) {
    app.append(
      h('div', { class: 'banner error', role: 'alert' }, icon('error'), h('span', { class: 'grow' }, s('Could not load this user.'), ' ', loadError)),
      h(
        'div',
        { class: 'actions' },
        button(s('Try again'), () => post({ type: 'refresh' }), { icon: 'refresh', id: 'retry' }),
        button(s('Open documentation'), () => post({ type: 'openDocs' }), { icon: 'book', secondary: true }),
      ),
    );
    return;
  }
  if (!data) {
    app.append(h('p', { class: 'muted' }, icon('loading'), ' ', s('Loading…')));
    return;
  }
  const d = data;
  app.append(renderHeader(d));
  const b = renderBanner();
  if (b) app.append(b);
  if (d.partialErrors.length) {
    app.append(h('div', { class: 'banner warning' }, icon('warning'), h('div', { class: 'grow' }, s('Some parts could not be loaded:'), h('ul', {}, ...d.partialErrors.map((e) => h('li', {}, e))))));
  }
  app.append(renderProfile(d), renderCredentials(d), renderSessions(d), renderAccess(d), renderAttributes(d), h('p', { class: 'muted footer' }, s('Loaded {0}', localTime(d.loadedAt))));
  if (focusId) {
    const el = document.getElementById(focusId) as HTMLInputElement | null;
    if (el) {
      el.focus();
      if (sel && typeof el.setSelectionRange === 'function' && (el.type === 'text' || el.type === 'email')) {
        try {
          el.setSelectionRange(sel[0], sel[1]);
        } catch {
          // not a text control
        }
      }
    }
  }
}

function onMessage(m: HostMessage): void {
  switch (m.type) {
    case 'init':
      strings = m.strings;
      data = m.data;
      loadError = undefined;
      // Edits restored from the previous page are kept only for the same user.
      {
        const st = vscode.getState();
        if (isPageState(st) && (st.userId !== m.data.userId || st.connectionId !== m.data.connectionId)) {
          edits = {};
          base = {};
        }
      }
      saveState();
      break;
    case 'data':
      data = m.data;
      loadError = undefined;
      attrsAsked = false;
      if (!m.data.email) emailDraft = undefined;
      saveState();
      break;
    case 'loadError':
      loadError = m.message;
      break;
    case 'busy':
      busy = m.label;
      if (busy) banner = undefined;
      break;
    case 'fieldErrors':
      for (const e of m.errors) fieldErrors.set(e.field, e.message);
      break;
    case 'conflict':
      conflict = m.fields;
      choices = {};
      break;
    case 'saved':
      for (const f of m.fields) {
        delete edits[f];
        delete base[f];
        fieldErrors.delete(f);
      }
      saveState();
      break;
    case 'error':
      banner = { message: m.message, docs: m.docs };
      break;
    case 'resetLink':
      resetExpires = m.expiresAt;
      break;
    case 'restoreDraft':
      edits = { ...m.edits, ...edits };
      base = { ...m.base, ...base };
      saveState();
      break;
    case 'attributeSaved':
      attrDrafts.delete(m.attributeId);
      break;
    case 'folderPicked':
      pickedFolders.set(m.id, m.name);
      setEdit('home_folder_id', m.id);
      break;
    case 'apiKeyCreated':
      newKey = m.key ?? undefined;
      break;
  }
  if (m.type === 'data' && !fieldErrors.has('email')) emailDraft = undefined;
  render();
}

window.addEventListener('message', (ev: MessageEvent) => {
  if (!isHostMessage(ev.data)) {
    console.warn('Looker user details: ignored an unknown message');
    return;
  }
  onMessage(ev.data);
});

document.addEventListener('keydown', (ev) => {
  if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 's') {
    ev.preventDefault();
    save();
  } else if (ev.key === 'Escape' && conflict) {
    conflict = undefined;
    render();
  }
});

render();
post({ type: 'ready' });
