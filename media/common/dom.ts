// DOM helpers shared by the webview pages (bundled into each page's script; not a page of its own). Every value is
// set as text or as one attribute at a time, never as markup.

/** The API VS Code gives a webview page: messages to the host, and the state kept across hide/show and reloads. */
export interface VsCodeApi<ToHost, State = unknown> {
  postMessage(message: ToHost): void;
  getState(): unknown;
  setState(state: State): void;
}
declare function acquireVsCodeApi(): VsCodeApi<never>;

/** The page's VS Code API (it can be acquired once per page), typed with the page's messages and state. */
export function vscodeApi<ToHost, State = unknown>(): VsCodeApi<ToHost, State> {
  return acquireVsCodeApi() as unknown as VsCodeApi<ToHost, State>;
}

export type Child = Node | string | null | undefined | false;

/** Creates an element. Attributes are set one by one; event-handler and style attributes are refused. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
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

/** A codicon (decorative: hidden from screen readers). */
export function icon(name: string): HTMLElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

export interface ButtonOptions {
  icon?: string;
  secondary?: boolean;
  disabled?: boolean;
  title?: string;
  id?: string;
  /** Only the icon shows; the label becomes the button's title and accessible name. */
  iconOnly?: boolean;
}

/** A button with an optional codicon. */
export function button(label: string, onClick: () => void, opts: ButtonOptions = {}): HTMLButtonElement {
  const b = h(
    'button',
    {
      type: 'button',
      class: `btn${opts.secondary ? ' secondary' : ''}${opts.iconOnly ? ' icon-only' : ''}`,
      disabled: !!opts.disabled,
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
