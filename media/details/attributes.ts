// The user attributes section of the details page: read on request, each value changeable inline.
import type { AttributeRow, DetailsData } from '../../src/details/protocol';
import { h, icon } from '../common/dom';
import { button, post, rerender, s, section, st } from './state';

/** A timestamp in the page's language (VS Code's display language, set as <html lang>) and local time zone. */
export function localTime(iso: string): string {
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
    placeholder: a.hidden ? s('newHiddenValue') : a.type,
    'aria-label': s('newValueOf', a.label),
  });
  input.value = st.attrDrafts.get(a.id) ?? '';
  input.addEventListener('input', () => st.attrDrafts.set(a.id, input.value));
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
    button(s('set'), set, { id: `set-${id}`, secondary: true }),
    a.own ? button(s('clear'), () => post({ type: 'clearAttribute', attributeId: a.id }), { id: `clear-${id}`, secondary: true, icon: 'close' }) : null,
  );
}

export function renderAttributes(d: DetailsData): HTMLElement {
  if (!d.attributesLoaded) {
    // Not read when the user is opened: one API call more, made only when asked for.
    const ask = () => {
      st.attrsAsked = true;
      rerender();
      post({ type: 'showAttributes' });
    };
    return section(
      'attributes',
      s('userAttributes'),
      h('p', { class: 'muted' }, s('attributesOnRequest')),
      h('div', { class: 'actions' }, button(st.attrsAsked ? s('loading') : s('showAttributes'), ask, { id: 'show-attributes', icon: st.attrsAsked ? 'loading' : 'eye', disabled: st.attrsAsked })),
    );
  }
  if (!d.attributes.length) return section('attributes', s('userAttributes'), h('p', { class: 'muted' }, s('noAttributes')));
  const table = h(
    'table',
    { class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s('attribute')), h('th', { scope: 'col' }, s('value')), h('th', { scope: 'col' }, s('source')), h('th', { scope: 'col' }, s('change')))),
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
        h('td', { 'data-label': s('attribute') }, h('span', {}, a.label), a.label !== a.name ? h('span', { class: 'muted' }, ` (${a.name})`) : null),
        h('td', { 'data-label': s('value'), class: a.hidden ? 'muted' : undefined }, a.hidden ? icon('lock') : null, a.hidden ? ' ' : null, a.value),
        h('td', { 'data-label': s('source') }, a.source),
        h('td', { 'data-label': s('change') }, !first ? null : a.editable ? attributeEditor(a) : h('span', { class: 'muted' }, s('readOnly'))),
      ),
    );
  }
  table.append(body);
  return section('attributes', s('userAttributes'), h('div', { class: 'scroll' }, table));
}
