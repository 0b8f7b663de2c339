// The sessions and the roles and groups sections of the details page.
import type { DetailsData, NamedRef } from '../../src/details/protocol';
import { h } from '../common/dom';
import { button, post, s, section } from './state';

export function renderSessions(d: DetailsData): HTMLElement {
  if (!d.sessions.length) return section('sessions', s('sessions'), h('p', { class: 'muted' }, s('noSessions')));
  const cols = ['browser', 'os', 'ipAddress', 'location', 'loginType', 'created', 'expires', 'extended'] as const;
  const table = h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col' }, s(c))), h('th', { scope: 'col' }, ''))));
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
            ? h('span', { class: 'expired-badge' }, s('expired'))
            : button(s('endSession'), () => post({ type: 'endSession', sessionId: x.id }), { icon: 'debug-disconnect', secondary: true }),
        ),
      ),
    );
  }
  table.append(body);
  return section(
    'sessions',
    `${s('sessions')} (${d.sessions.length})`,
    h('div', { class: 'scroll' }, table),
    h('div', { class: 'actions' }, button(s('endAllSessions'), () => post({ type: 'endAllSessions' }), { icon: 'close-all', secondary: true, id: 'end-all' })),
  );
}

function chips(list: NamedRef[], remove?: (r: NamedRef) => void): HTMLElement {
  if (!list.length) return h('p', { class: 'muted' }, s('none'));
  return h(
    'ul',
    { class: 'chips' },
    ...list.map((r) => h('li', { class: 'chip' }, h('span', {}, r.name), remove ? button(s('removeNamed', r.name), () => remove(r), { icon: 'close', iconOnly: true, secondary: true }) : null)),
  );
}

export function renderAccess(d: DetailsData): HTMLElement {
  return section(
    'access',
    s('rolesAndGroups'),
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        {},
        h('h3', {}, s('roles')),
        chips(d.roles, (r) => post({ type: 'removeRole', roleId: r.id })),
        button(s('addRole'), () => post({ type: 'addRole' }), { icon: 'add', secondary: true, id: 'add-role' }),
        d.inheritedRoles.length ? h('div', {}, h('h3', {}, s('rolesThroughGroups')), chips(d.inheritedRoles)) : null,
      ),
      h(
        'div',
        {},
        h('h3', {}, s('groups')),
        chips(d.groups, (g) => post({ type: 'removeGroup', groupId: g.id })),
        button(s('addToGroup'), () => post({ type: 'addGroup' }), { icon: 'add', secondary: true, id: 'add-group' }),
      ),
    ),
  );
}
