// The bulk preview page: shows what a bulk action will do per user and answers Confirm / Cancel.
// Data arrives by postMessage and is only ever written as text (media/common/dom.ts), never as HTML.
import type { HostToPage, PageToHost, PreviewData, PreviewRow } from '../src/bulk/protocol';
import { h, vscodeApi } from './common/dom';

const vscode = vscodeApi<PageToHost>();
const root = document.getElementById('root') as HTMLElement;

function render(data: PreviewData): void {
  root.replaceChildren();
  root.append(h('h1', {}, data.title));
  if (data.warning) root.append(h('p', { class: 'warning' }, data.warning));
  root.append(
    h(
      'div',
      { class: 'counts' },
      h('span', { class: 'count change' }, `${data.strings.change}: ${data.counts.change}`),
      h('span', { class: 'count skip' }, `${data.strings.skip}: ${data.counts.skip}`),
      h('span', { class: 'count impossible' }, `${data.strings.impossible}: ${data.counts.impossible}`),
    ),
  );
  if (data.notes?.length) root.append(h('ul', { class: 'notes', id: 'notes' }, ...data.notes.map((n) => h('li', {}, n))));

  const confirm = h('button', { id: 'confirm' }, data.confirmLabel);
  const cancel = h('button', { class: 'secondary', id: 'cancel' }, data.strings.cancel);
  const filter = h('input', { placeholder: data.strings.filter, 'aria-label': data.strings.filter });
  let typed: HTMLInputElement | undefined;
  if (data.typeToConfirm !== undefined) {
    const t = h('input', { id: 'typed' });
    typed = t;
    root.append(h('div', { class: 'type-confirm' }, h('label', {}, data.typePrompt ?? '', ' ', t)));
    const expected = data.typeToConfirm;
    const update = () => (confirm.disabled = t.value.trim() !== expected);
    t.addEventListener('input', update);
    update();
  }
  if (data.counts.change === 0) confirm.disabled = true;
  const actions = h('div', { class: 'actions' }, confirm);
  if (data.extraLabel) {
    const extra = h('button', { class: 'secondary', id: 'extra' }, data.extraLabel);
    extra.addEventListener('click', () => {
      extra.disabled = true;
      vscode.postMessage({ type: 'extra' });
    });
    actions.append(extra);
  }
  actions.append(cancel, filter);
  root.append(actions);
  if (data.counts.change === 0) root.append(h('p', {}, data.strings.nothing));

  const tbody = h('tbody');
  root.append(h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, data.strings.user), h('th', {}, ''), h('th', {}, data.strings.what))), tbody));
  const kindText = (r: PreviewRow) => data.strings[r.kind];
  const rows = data.rows.map((r) => {
    const tr = h('tr', { class: r.kind }, h('td', {}, r.label), h('td', { class: 'kind' }, kindText(r)), h('td', {}, r.detail));
    tbody.append(tr);
    return { tr, text: `${r.label} ${r.detail} ${kindText(r)}`.toLowerCase() };
  });
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const r of rows) r.tr.hidden = !!q && !r.text.includes(q);
  });
  confirm.addEventListener('click', () => {
    confirm.disabled = true;
    vscode.postMessage(typed ? { type: 'confirm', typed: typed.value.trim() } : { type: 'confirm' });
  });
  cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
  (typed ?? confirm).focus();
}

window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const m = ev.data as HostToPage | undefined;
  if (m && m.type === 'show' && m.data && Array.isArray(m.data.rows)) render(m.data);
});
vscode.postMessage({ type: 'ready' });
