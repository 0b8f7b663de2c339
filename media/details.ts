// The user details page (runs in the webview): draws the sections (media/details/*) from the state and answers the
// host's messages. Builds the DOM with createElement + textContent only (media/common/dom.ts): every value from Looker
// is text, never markup. Talks to the host only through the messages of src/details/protocol.ts.
import { isHostMessage, isPageState, type DetailsData, type HostMessage } from '../src/details/protocol';
import { h, icon } from './common/dom';
import { renderAccess, renderSessions } from './details/access';
import { localTime, renderAttributes } from './details/attributes';
import { renderCredentials } from './details/credentials';
import { renderProfile } from './details/profile';
import { button, onRerender, post, s, save, saveState, setEdit, st, vscode } from './details/state';

const app = document.getElementById('app') as HTMLElement;

const restored = vscode.getState();
if (isPageState(restored)) {
  st.edits = { ...restored.edits };
  st.base = { ...restored.base };
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
        disabled ? h('span', { class: 'badge' }, s('disabled')) : null,
        d.lockout ? h('span', { class: 'badge', id: 'locked-badge', title: s('lockedOutAfter', d.lockout.failCount, d.lockout.lockedAt) }, s('lockedOut')) : null,
      ),
    ),
    h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': d.title },
      button(s('refresh'), () => post({ type: 'refresh' }), { icon: 'refresh', secondary: true, id: 'refresh' }),
      button(s('openInLooker'), () => post({ type: 'openInLooker' }), { icon: 'link-external', secondary: true }),
      button(s('copyJson'), () => post({ type: 'copyJson' }), { icon: 'json', secondary: true }),
      d.lockout ? button(s('unlock'), () => post({ type: 'unlock' }), { icon: 'unlock', secondary: true, id: 'unlock' }) : null,
      disabled
        ? button(s('enable'), () => post({ type: 'setDisabled', disabled: false }), { icon: 'pass', secondary: true, id: 'toggle-disabled' })
        : button(s('disable'), () => post({ type: 'setDisabled', disabled: true }), { icon: 'circle-slash', secondary: true, id: 'toggle-disabled' }),
    ),
  );
}

function renderBanner(): HTMLElement | null {
  if (!st.banner) return null;
  const b = st.banner;
  return h(
    'div',
    { class: 'banner error', role: 'alert', id: 'banner' },
    icon('error'),
    h('span', { class: 'grow' }, b.message),
    b.docs ? button(s('openDocs'), () => post({ type: 'openDocs' }), { icon: 'book', secondary: true }) : null,
    button(s('dismiss'), () => {
      st.banner = undefined;
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
  app.setAttribute('aria-busy', st.busy || !st.data ? 'true' : 'false');
  if (st.busy) app.append(h('div', { class: 'progress', role: 'progressbar', 'aria-label': st.busy }, h('div', { class: 'bar' })), h('div', { class: 'busy-label muted' }, st.busy));
  if (st.loadError && !st.data) {
    app.append(
      h('div', { class: 'banner error', role: 'alert' }, icon('error'), h('span', { class: 'grow' }, s('loadFailed'), ' ', st.loadError)),
      h(
        'div',
        { class: 'actions' },
        button(s('tryAgain'), () => post({ type: 'refresh' }), { icon: 'refresh', id: 'retry' }),
        button(s('openDocs'), () => post({ type: 'openDocs' }), { icon: 'book', secondary: true }),
      ),
    );
    return;
  }
  if (!st.data) {
    app.append(h('p', { class: 'muted' }, icon('loading'), ' ', s('loading')));
    return;
  }
  const d = st.data;
  app.append(renderHeader(d));
  const b = renderBanner();
  if (b) app.append(b);
  if (d.partialErrors.length) {
    app.append(h('div', { class: 'banner warning' }, icon('warning'), h('div', { class: 'grow' }, s('partsNotLoaded'), h('ul', {}, ...d.partialErrors.map((e) => h('li', {}, e))))));
  }
  app.append(renderProfile(d), renderCredentials(d), renderSessions(d), renderAccess(d), renderAttributes(d), h('p', { class: 'muted footer' }, s('loadedAt', localTime(d.loadedAt))));
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
      st.strings = m.strings;
      st.data = m.data;
      st.loadError = undefined;
      // Edits restored from the previous page are kept only for the same user.
      {
        const saved = vscode.getState();
        if (isPageState(saved) && (saved.userId !== m.data.userId || saved.connectionId !== m.data.connectionId)) {
          st.edits = {};
          st.base = {};
        }
      }
      saveState();
      break;
    case 'data':
      st.data = m.data;
      st.loadError = undefined;
      st.attrsAsked = false;
      if (!m.data.email) st.emailDraft = undefined;
      saveState();
      break;
    case 'loadError':
      st.loadError = m.message;
      break;
    case 'busy':
      st.busy = m.label;
      if (st.busy) st.banner = undefined;
      break;
    case 'fieldErrors':
      for (const e of m.errors) st.fieldErrors.set(e.field, e.message);
      break;
    case 'conflict':
      st.conflict = m.fields;
      st.choices = {};
      break;
    case 'saved':
      for (const f of m.fields) {
        delete st.edits[f];
        delete st.base[f];
        st.fieldErrors.delete(f);
      }
      saveState();
      break;
    case 'error':
      st.banner = { message: m.message, docs: m.docs };
      break;
    case 'resetLink':
      st.resetExpires = m.expiresAt;
      break;
    case 'restoreDraft':
      st.edits = { ...m.edits, ...st.edits };
      st.base = { ...m.base, ...st.base };
      saveState();
      break;
    case 'attributeSaved':
      st.attrDrafts.delete(m.attributeId);
      break;
    case 'folderPicked':
      st.pickedFolders.set(m.id, m.name);
      setEdit('home_folder_id', m.id);
      break;
    case 'apiKeyCreated':
      st.newKey = m.key ?? undefined;
      break;
  }
  if (m.type === 'data' && !st.fieldErrors.has('email')) st.emailDraft = undefined;
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
  } else if (ev.key === 'Escape' && st.conflict) {
    st.conflict = undefined;
    render();
  }
});

onRerender(render);
render();
post({ type: 'ready' });
