// The profile section of the details page: the editable fields (with the home folder picker), the read-only rows
// and the conflict dialog shown when someone else changed a field being saved.
import { resolveConflicts, type Choice } from '../../src/actions/edits';
import { BOOLEAN_FIELDS, EDITABLE_FIELDS, type ConflictField, type DetailsData, type EditableField } from '../../src/details/protocol';
import { h, icon } from '../common/dom';
import { FIELD_LABELS, button, currentValue, dirtyFields, fieldError, post, rerender, rows, s, save, saveState, section, setEdit, shown, st } from './state';

/** The home folder by name, with "Choose folder…" (a folder picker on the host) instead of a raw id box. */
function folderRow(f: EditableField): HTMLElement {
  const v = currentValue(f);
  const id = typeof v === 'string' && v !== '' ? v : null;
  const name = id === null ? s('noFolder') : st.pickedFolders.get(id) ?? st.data?.folderNames?.[id] ?? s('folderById', id);
  const err = st.fieldErrors.has(f);
  return h(
    'div',
    { class: `field${f in st.edits ? ' changed' : ''}`, id: `row-${f}` },
    h('label', { for: 'pick-home-folder' }, s(FIELD_LABELS[f])),
    h(
      'div',
      { class: 'inline folder' },
      h('span', { id: 'home-folder-name', class: 'folder-name', title: id === null ? undefined : s('idOf', id) }, icon('folder'), ' ', name),
      button(s('chooseFolder'), () => post({ type: 'pickFolder' }), { icon: 'folder-opened', secondary: true, id: 'pick-home-folder' }),
    ),
    err ? fieldError(f) : null,
  );
}

function editableRow(f: EditableField): HTMLElement {
  if (f === 'home_folder_id') return folderRow(f);
  const id = `f-${f}`;
  const err = st.fieldErrors.has(f);
  const value = currentValue(f);
  let input: HTMLInputElement;
  if (BOOLEAN_FIELDS.includes(f)) {
    input = h('input', { type: 'checkbox', id, 'aria-invalid': err ? 'true' : undefined, 'aria-describedby': err ? `err-${f}` : undefined });
    input.checked = value === true;
    input.addEventListener('change', () => setEdit(f, input.checked));
    return h('div', { class: `field checkbox${f in st.edits ? ' changed' : ''}`, id: `row-${f}` }, input, h('label', { for: id }, s(FIELD_LABELS[f])), fieldError(f));
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
  return h('div', { class: `field${f in st.edits ? ' changed' : ''}`, id: `row-${f}` }, h('label', { for: id }, s(FIELD_LABELS[f])), input, fieldError(f));
}

function renderConflict(list: ConflictField[]): HTMLElement {
  const table = h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ...(['field', 'whenLoaded', 'yours', 'nowOnServer', ''] as const).map((c) => h('th', { scope: 'col' }, c ? s(c) : '')))));
  const body = h('tbody');
  for (const c of list) {
    const name = `choice-${c.field}`;
    const radio = (value: Choice, label: string) => {
      const id = `${name}-${value}`;
      const r = h('input', { type: 'radio', name, id, value });
      r.checked = (st.choices[c.field] ?? 'mine') === value;
      r.addEventListener('change', () => (st.choices[c.field] = value));
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
        h('td', { role: 'radiogroup', 'aria-label': s(FIELD_LABELS[c.field]) }, radio('mine', s('keepMine')), radio('theirs', s('takeTheirs'))),
      ),
    );
  }
  table.append(body);
  return h(
    'div',
    { class: 'conflict', id: 'conflict', role: 'alertdialog', 'aria-labelledby': 'conflict-text' },
    h('p', { id: 'conflict-text' }, icon('warning'), ' ', s('conflictIntro')),
    table,
    h(
      'div',
      { class: 'actions' },
      button(s('saveWithChoices'), () => {
        const r = resolveConflicts(st.edits, st.base, list, st.choices);
        st.edits = r.edits;
        st.base = r.base;
        st.conflict = undefined;
        st.choices = {};
        saveState();
        rerender();
        save();
      }, { icon: 'check', id: 'conflict-save' }),
      button(s('cancel'), () => {
        st.conflict = undefined;
        rerender();
      }, { secondary: true }),
    ),
  );
}

export function renderProfile(d: DetailsData): HTMLElement {
  const form = h('form', { id: 'profile-form', 'aria-label': s('editable') }, ...EDITABLE_FIELDS.map(editableRow));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  const n = dirtyFields().length;
  const actions = h(
    'div',
    { class: 'actions' },
    button(s('save'), save, { icon: 'save', id: 'save', disabled: n === 0 }),
    button(s('discardChanges'), () => {
      st.edits = {};
      st.base = {};
      st.fieldErrors = new Map([...st.fieldErrors].filter(([k]) => k === 'email'));
      saveState();
      rerender();
    }, { secondary: true, id: 'discard', disabled: n === 0 }),
    h('span', { id: 'dirty', class: 'muted', 'aria-live': 'polite' }, n ? s('unsavedChanges') : s('noChanges')),
  );
  return section(
    'profile',
    s('profile'),
    st.conflict ? renderConflict(st.conflict) : null,
    h('div', { class: 'columns' }, h('div', {}, h('h3', {}, s('editable')), form, actions), h('div', {}, h('h3', {}, s('readOnly')), rows(d.profile))),
  );
}
