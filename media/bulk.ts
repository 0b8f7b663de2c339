// The bulk preview page: shows what a bulk action will do per user and answers Confirm / Cancel.
// Data arrives by postMessage and is only ever written with textContent (never as HTML).
import type { HostToPage, PageToHost, PreviewData, PreviewRow } from '../src/bulk/protocol';

interface VsCodeApi {
  postMessage(message: PageToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function render(data: PreviewData): void {
  root.replaceChildren();
  root.append(el('h1', data.title));
  if (data.warning) root.append(el('p', data.warning, 'warning'));
  const counts = el('div', undefined, 'counts');
  counts.append(
    el('span', `${data.strings.change}: ${data.counts.change}`, 'count change'),
    el('span', `${data.strings.skip}: ${data.counts.skip}`, 'count skip'),
    el('span', `${data.strings.impossible}: ${data.counts.impossible}`, 'count impossible'),
  );
  root.append(counts);
  if (data.notes?.length) {
    const notes = el('ul', undefined, 'notes');
    notes.id = 'notes';
    for (const n of data.notes) notes.append(el('li', n));
    root.append(notes);
  }

  const actions = el('div', undefined, 'actions');
  const confirm = el('button', data.confirmLabel);
  confirm.id = 'confirm';
  const cancel = el('button', data.strings.cancel, 'secondary');
  cancel.id = 'cancel';
  const filter = el('input');
  filter.placeholder = data.strings.filter;
  filter.setAttribute('aria-label', data.strings.filter);
  let typed: HTMLInputElement | undefined;
  if (data.typeToConfirm !== undefined) {
    const wrap = el('div', undefined, 'type-confirm');
    const label = el('label', data.typePrompt ?? '');
    typed = el('input');
    typed.id = 'typed';
    label.append(' ', typed);
    wrap.append(label);
    root.append(wrap);
    const expected = data.typeToConfirm;
    const t = typed;
    const update = () => (confirm.disabled = t.value.trim() !== expected);
    t.addEventListener('input', update);
    update();
  }
  if (data.counts.change === 0) confirm.disabled = true;
  actions.append(confirm);
  if (data.extraLabel) {
    const extra = el('button', data.extraLabel, 'secondary');
    extra.id = 'extra';
    extra.addEventListener('click', () => {
      extra.disabled = true;
      vscode.postMessage({ type: 'extra' });
    });
    actions.append(extra);
  }
  actions.append(cancel, filter);
  root.append(actions);
  if (data.counts.change === 0) root.append(el('p', data.strings.nothing));

  const table = el('table');
  const head = el('tr');
  head.append(el('th', data.strings.user), el('th', ''), el('th', data.strings.what));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  table.append(thead, tbody);
  root.append(table);
  const kindText = (r: PreviewRow) => data.strings[r.kind];
  const rows = data.rows.map((r) => {
    const tr = el('tr', undefined, r.kind);
    tr.append(el('td', r.label), el('td', kindText(r), 'kind'), el('td', r.detail));
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
