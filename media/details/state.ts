// The details page's state and the helpers every section shares: localized strings by key, the form's edits, the
// messages to the host. Sections ask for a new drawing with `rerender()` (the entry, media/details.ts, draws).
import type { Choice } from '../../src/actions/edits';
import {
  EDITABLE_FIELDS,
  type ConflictField,
  type DetailsData,
  type EditValue,
  type EditableField,
  type Edits,
  type ErrorField,
  type PageMessage,
  type PageState,
  type PageStringKey,
  type PageStrings,
} from '../../src/details/protocol';
import { button as plainButton, h, icon, vscodeApi, type ButtonOptions, type Child } from '../common/dom';

export const vscode = vscodeApi<PageMessage, PageState>();

/** Everything the page shows and keeps between drawings. */
export const st = {
  data: undefined as DetailsData | undefined,
  strings: undefined as PageStrings | undefined,
  edits: {} as Edits,
  base: {} as Edits,
  fieldErrors: new Map<ErrorField, string>(),
  conflict: undefined as ConflictField[] | undefined,
  choices: {} as Partial<Record<EditableField, Choice>>,
  busy: null as string | null,
  banner: undefined as { message: string; docs: boolean } | undefined,
  loadError: undefined as string | undefined,
  resetExpires: undefined as string | null | undefined,
  /** A just-created API key: shown once, held only here (never in the page's saved state) until Done or the tab closes. */
  newKey: undefined as { clientId: string; secret: string } | undefined,
  emailDraft: undefined as string | undefined,
  /** Folder names the picker returned, by id (the host's data names the folders it read). */
  pickedFolders: new Map<string, string>(),
  /** What was typed for each attribute (kept across re-renders until the host says it was saved). */
  attrDrafts: new Map<string, string>(),
  /** Show user attributes was clicked and the values have not arrived yet. */
  attrsAsked: false,
};

let draw: () => void = () => undefined;
/** Sets the function that draws the page (the entry's). */
export function onRerender(f: () => void): void {
  draw = f;
}
/** Draws the page again from {@link st}. */
export function rerender(): void {
  draw();
}

/**
 * What shows before the host's strings arrive with `init`: the loading line, and the load error (sent instead of
 * `init` when the first load fails).
 */
const BEFORE_INIT: Partial<PageStrings> = {
  loading: 'Loading…',
  loadFailed: 'Could not load this user.',
  tryAgain: 'Try again',
  openDocs: 'Open documentation',
};

/** A localized string from the host, with {0}-style arguments. */
export function s(key: PageStringKey, ...args: string[]): string {
  const text = st.strings?.[key] ?? BEFORE_INIT[key] ?? key;
  return text.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? args[Number(i)] : m));
}

export const FIELD_LABELS: Record<EditableField, PageStringKey> = {
  first_name: 'firstName',
  last_name: 'lastName',
  locale: 'locale',
  home_folder_id: 'homeFolder',
  is_disabled: 'disabled',
  models_dir_validated: 'modelsDirValidated',
  can_manage_api3_creds: 'canManageApiKeys',
};

/** A button, disabled while the host is busy with a change. */
export function button(label: string, onClick: () => void, opts: ButtonOptions = {}): HTMLButtonElement {
  return plainButton(label, onClick, { ...opts, disabled: opts.disabled || !!st.busy });
}

export function post(m: PageMessage): void {
  vscode.postMessage(m);
}

let lastDirty = '';

export function saveState(): void {
  const { data, edits, base } = st;
  if (!data) return;
  vscode.setState({ connectionId: data.connectionId, userId: data.userId, title: data.title, edits, base });
  // The host marks the tab and keeps the draft if the tab is closed; tell it only when the edits changed.
  const now = JSON.stringify([edits, base]);
  if (now !== lastDirty) {
    lastDirty = now;
    post({ type: 'dirty', edits, base });
  }
}

export function shown(v: EditValue | undefined): string {
  if (v === null || v === undefined || v === '') return s('empty');
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  return v;
}

export function currentValue(f: EditableField): EditValue {
  if (f in st.edits) return st.edits[f] as EditValue;
  return st.data ? st.data.values[f] : null;
}

export function dirtyFields(): EditableField[] {
  return EDITABLE_FIELDS.filter((f) => f in st.edits);
}

/** Records an edit; an edit back to the value it started from is no edit. */
export function setEdit(f: EditableField, v: EditValue): void {
  const { data, edits, base } = st;
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
  st.fieldErrors.delete(f);
  saveState();
  updateDirty();
}

function updateDirty(): void {
  const n = dirtyFields().length;
  const saveButton = document.getElementById('save') as HTMLButtonElement | null;
  const discard = document.getElementById('discard') as HTMLButtonElement | null;
  const status = document.getElementById('dirty');
  if (saveButton) saveButton.disabled = n === 0 || !!st.busy;
  if (discard) discard.disabled = n === 0 || !!st.busy;
  if (status) status.textContent = n ? s('unsavedChanges') : s('noChanges');
  for (const f of EDITABLE_FIELDS) document.getElementById(`row-${f}`)?.classList.toggle('changed', f in st.edits);
}

export function save(): void {
  const fields = dirtyFields();
  if (!fields.length || st.busy) return;
  const e: Edits = {};
  const b: Edits = {};
  for (const f of fields) {
    e[f] = st.edits[f];
    b[f] = f in st.base ? st.base[f] : st.data?.values[f] ?? null;
  }
  post({ type: 'save', edits: e, base: b });
}

export function fieldError(f: ErrorField): HTMLElement | null {
  const msg = st.fieldErrors.get(f);
  return msg ? h('div', { class: 'field-error', id: `err-${f}`, role: 'alert' }, icon('error'), msg) : null;
}

export function rows(list: { label: string; value: string }[]): HTMLElement {
  const dl = h('dl', { class: 'rows' });
  for (const r of list) dl.append(h('dt', {}, r.label), h('dd', {}, r.value));
  return dl;
}

export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...children);
}
