// The credentials section of the details page: the login email card (reset, setup links), a new API key shown once,
// and a card per credential.
import type { CredentialCard, DetailsData } from '../../src/details/protocol';
import { h, icon } from '../common/dom';
import { button, fieldError, post, rerender, rows, s, section, st } from './state';

function renderEmail(d: DetailsData): HTMLElement {
  const e = d.email;
  const input = h('input', {
    type: 'email',
    id: 'login-email',
    spellcheck: 'false',
    'aria-invalid': st.fieldErrors.has('email') ? 'true' : undefined,
    'aria-describedby': st.fieldErrors.has('email') ? 'err-email' : undefined,
  });
  input.value = st.emailDraft ?? e?.email ?? '';
  input.addEventListener('input', () => {
    st.emailDraft = input.value;
    st.fieldErrors.delete('email');
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
    h('label', { for: 'login-email' }, s('loginEmail')),
    h('div', { class: 'inline' }, input, button(e ? s('changeEmail') : s('addEmailCredential'), submit, { id: e ? 'change-email' : 'add-email' })),
    fieldError('email'),
  );
  if (!e) return h('div', { class: 'card', id: 'email-card' }, h('h3', {}, icon('mail'), ' ', s('loginEmail')), h('p', { class: 'muted' }, s('noEmailCredential')), emailRow);
  const forced = h('input', { type: 'checkbox', id: 'forced-reset' });
  forced.checked = e.forcedReset;
  forced.disabled = !!st.busy;
  forced.addEventListener('change', () => post({ type: 'setForcedReset', value: forced.checked }));
  return h(
    'div',
    { class: 'card', id: 'email-card' },
    h('h3', {}, icon('mail'), ' ', s('loginEmail')),
    emailRow,
    h('div', { class: 'field checkbox' }, forced, h('label', { for: 'forced-reset' }, s('forceReset'))),
    e.resetOutstanding ? h('p', { class: 'note' }, icon('info'), ' ', s('resetOutstanding')) : null,
    e.setupOutstanding && !e.setup ? h('p', { class: 'note' }, icon('info'), ' ', s('setupOutstanding')) : null,
    e.setup
      ? h(
          'p',
          { class: 'note', id: 'setup-state' },
          icon(e.setup.link === 'expired' ? 'warning' : 'info'),
          ' ',
          s('loginNeverUsed', e.setup.created),
          ' ',
          e.setup.link === 'outstanding' ? s('setupLinkWaiting') : e.setup.link === 'expired' ? s('setupLinkExpired') : s('noSetupLink'),
        )
      : null,
    h(
      'div',
      { class: 'actions' },
      e.setup
        ? button(s('resendSetup'), () => post({ type: 'sendReset' }), { icon: 'mail', secondary: true, id: 'send-reset' })
        : button(s('sendReset'), () => post({ type: 'sendReset' }), { icon: 'mail', secondary: true, id: 'send-reset' }),
      button(s('createResetLink'), () => post({ type: 'createResetLink' }), { icon: 'key', secondary: true, id: 'create-reset' }),
    ),
    st.resetExpires !== undefined
      ? h(
          'p',
          { class: 'note', id: 'reset-link' },
          icon('link'),
          ' ',
          s('resetLinkCreated', st.resetExpires ?? '?'),
          ' ',
          button(s('copyLink'), () => post({ type: 'copyResetLink' }), { icon: 'copy', secondary: true, id: 'copy-reset' }),
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
            s('delete'),
            () => post(c.kind === 'api3' || c.kind === 'embed' ? { type: 'deleteCredential', kind: c.kind, credentialId: c.credentialId ?? '' } : { type: 'deleteCredential', kind: c.kind }),
            { icon: 'trash', secondary: true, title: `${s('delete')} ${c.title}` },
          )
        : null,
    ),
    rows(c.rows),
  );
}

function renderNewKey(): HTMLElement | null {
  if (!st.newKey) return null;
  return h(
    'div',
    { class: 'card', id: 'new-api-key' },
    h('h3', {}, icon('key'), ' ', s('newApiKey', st.newKey.clientId)),
    h('p', { class: 'note' }, icon('warning'), ' ', s('copySecretNow')),
    h('p', {}, h('code', { id: 'api-key-secret' }, st.newKey.secret)),
    h(
      'div',
      { class: 'actions' },
      button(s('copySecret'), () => post({ type: 'copyApiKeySecret' }), { icon: 'copy', id: 'copy-api-secret' }),
      button(s('done'), () => {
        st.newKey = undefined;
        post({ type: 'dismissApiKeySecret' });
        rerender();
      }, { secondary: true, id: 'dismiss-api-secret' }),
    ),
  );
}

export function renderCredentials(d: DetailsData): HTMLElement {
  return section(
    'credentials',
    s('credentials'),
    renderEmail(d),
    renderNewKey(),
    h('div', { class: 'actions' }, button(s('createApiKey'), () => post({ type: 'createApiKey' }), { icon: 'add', secondary: true, id: 'create-api-key' })),
    d.credentials.length ? h('div', { class: 'cards' }, ...d.credentials.map(renderCard)) : h('p', { class: 'muted' }, s('noCredentials')),
  );
}
