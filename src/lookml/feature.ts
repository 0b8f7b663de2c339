import * as vscode from 'vscode';
import type { IUser } from '@looker/sdk';
import type { ConnectionProfile } from '../looker/profile';
import { registerCommand } from '../commands/register';
import type { Log } from '../log';
import { freeTextFilters, namesPattern } from '../users/query';
import { userLabel } from '../format/names';
import { resolveModelAccess, type ModelAccess, type AccessGrantPath } from './access';
import { apiAccessSource, loadGroupValues, loadPreviewData, type LookmlClient, type PreviewData } from './api';
import { evaluateAccessGrant, resolvePreviewAttribute, type ResolvedValue } from './attributes';
import { hitAt, modelNameFromPath, scanLookml, type LookmlHit, type LookmlScan } from './scanner';

/** Command ids of this feature (the lead lists them in package.json). */
export const LOOKML_COMMANDS = {
  showModelAccess: 'looker.lookml.showModelAccess',
  previewAsUser: 'looker.lookml.previewAsUser',
  clearPreviewUser: 'looker.lookml.clearPreviewUser',
  refreshModelAccess: 'looker.lookml.refreshModelAccess',
  clearModelAccess: 'looker.lookml.clearModelAccess',
} as const;

export interface LookmlDeps {
  manager: {
    client(id?: string): LookmlClient | undefined;
    requireClient(): { profile: ConnectionProfile; client: LookmlClient };
    active(): ConnectionProfile | undefined;
    onDidChangeActive: vscode.Event<ConnectionProfile | undefined>;
  };
  tree: {
    showPinnedGroup(group: { key: string; label: string; users: IUser[]; reasons?: Map<string, string>; tooltip?: string } | undefined): void;
  };
  log: Log;
  /** Brings the Users view forward after the pinned group was set (default: `looker.users.focus`). */
  revealUsers?: () => Thenable<unknown>;
}

const MODEL_SELECTOR: vscode.DocumentSelector = [{ pattern: '**/*.model.lkml' }];
const LKML_SELECTOR: vscode.DocumentSelector = [{ pattern: '**/*.lkml' }];
const PICK_USER_FIELDS = 'id,first_name,last_name,display_name,email,is_disabled';


/** "role Developer" / "role User via group Data › Analytics Engineering". */
export function describeGrant(g: AccessGrantPath): string {
  if (g.groups.length === 0) return vscode.l10n.t('role {0}', g.role.name);
  return vscode.l10n.t('role {0} via group {1}', g.role.name, g.groups.map((x) => x.name).join(' › '));
}

/** Text for inline code in Markdown: backticks and line breaks cannot break out. */
function code(s: string): string {
  const clean = s.replace(/[\r\n]+/g, ' ');
  const ticks = clean.match(/`+/g)?.reduce((m, t) => Math.max(m, t.length), 0) ?? 0;
  const fence = '`'.repeat(ticks + 1);
  return `${fence} ${clean} ${fence}`;
}

/** Plain text made safe for Markdown. */
function text(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

/**
 * "Beside LookML": a CodeLens over model files ("N users can access this model"), a command that pins those users in
 * the Users view with the reason per user, a preview user (status bar) and hovers that show what user attributes
 * and access grants make of that user.
 */
export class LookmlFeature implements vscode.Disposable {
  private readonly access = new Map<string, Promise<ModelAccess<IUser>>>();
  private readonly preview = new Map<string, Promise<PreviewData>>();
  private readonly groupValues = new Map<string, Promise<Awaited<ReturnType<typeof loadGroupValues>>>>();
  private readonly scans = new Map<string, { version: number; scan: LookmlScan }>();
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  private readonly previewChanged = new vscode.EventEmitter<IUser | undefined>();
  /** Fires when the preview user changes. */
  readonly onDidChangePreviewUser = this.previewChanged.event;
  private readonly statusItem: vscode.StatusBarItem;
  private previewUserValue: { connectionId: string; user: IUser } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly deps: LookmlDeps) {
    this.statusItem = vscode.window.createStatusBarItem('looker.previewUser', vscode.StatusBarAlignment.Left, 90);
    this.statusItem.name = vscode.l10n.t('Looker Preview User');
    this.statusItem.command = LOOKML_COMMANDS.previewAsUser;
    this.disposables.push(
      this.statusItem,
      this.lensesChanged,
      this.previewChanged,
      deps.manager.onDidChangeActive(() => {
        this.clearCaches();
        this.setPreviewUser(undefined);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.scans.delete(d.uri.toString())),
    );
  }

  /** Registers the commands, the CodeLens and hover providers. */
  register(context: vscode.ExtensionContext): void {
    const log = this.deps.log;
    registerCommand(context, log, LOOKML_COMMANDS.showModelAccess, (arg?: unknown) => this.showModelAccess(arg));
    registerCommand(context, log, LOOKML_COMMANDS.previewAsUser, (userId?: unknown) => this.pickPreviewUser(typeof userId === 'string' ? userId : undefined));
    registerCommand(context, log, LOOKML_COMMANDS.clearPreviewUser, () => this.setPreviewUser(undefined));
    registerCommand(context, log, LOOKML_COMMANDS.refreshModelAccess, () => this.clearCaches());
    registerCommand(context, log, LOOKML_COMMANDS.clearModelAccess, () => this.deps.tree.showPinnedGroup(undefined));
    context.subscriptions.push(
      this,
      vscode.languages.registerCodeLensProvider(MODEL_SELECTOR, {
        onDidChangeCodeLenses: this.lensesChanged.event,
        provideCodeLenses: (doc) => this.provideCodeLenses(doc),
        resolveCodeLens: (lens) => this.resolveCodeLens(lens),
      }),
      vscode.languages.registerHoverProvider(LKML_SELECTOR, { provideHover: (doc, pos, token) => this.provideHover(doc, pos, token) }),
    );
  }

  get previewUser(): IUser | undefined {
    return this.previewUserValue?.user;
  }

  /** Sets (or clears) the preview user of the active connection. */
  setPreviewUser(user: IUser | undefined): void {
    const active = this.deps.manager.active();
    this.previewUserValue = user && active ? { connectionId: active.id, user } : undefined;
    if (this.previewUserValue) {
      this.statusItem.text = `$(eye) ${userLabel(this.previewUserValue.user, vscode.l10n).replace(/\$\(/g, '$\u200b(')}`;
      this.statusItem.tooltip = vscode.l10n.t('Looker: previewing LookML as {0}. Click to pick another user.', userLabel(this.previewUserValue.user, vscode.l10n));
      this.statusItem.show();
    } else {
      this.statusItem.hide();
    }
    void vscode.commands.executeCommand('setContext', 'looker.previewUser', !!this.previewUserValue);
    this.previewChanged.fire(this.previewUserValue?.user);
  }

  /** Forgets loaded access data and preview values (next CodeLens / hover reloads). */
  clearCaches(): void {
    this.access.clear();
    this.preview.clear();
    this.groupValues.clear();
    this.lensesChanged.fire();
  }

  private client(): { client: LookmlClient; connectionId: string } {
    const { profile, client } = this.deps.manager.requireClient();
    return { client, connectionId: profile.id };
  }

  /** Who can access `model` on the active connection (cached per connection until refreshed). */
  modelAccess(model: string): Promise<ModelAccess<IUser>> {
    const { client, connectionId } = this.client();
    const key = `${connectionId}\u0000${model}`;
    let p = this.access.get(key);
    if (!p) {
      const started = Date.now();
      p = resolveModelAccess<IUser>(model, apiAccessSource(client)).then((r) => {
        this.deps.log.info(`Model access for ${model}: ${r.users.length} users via ${r.roles.length} roles (${Date.now() - started} ms)`);
        return r;
      });
      p.catch(() => this.access.delete(key));
      this.access.set(key, p);
    }
    return p;
  }

  private modelFromArg(arg: unknown): string | undefined {
    if (typeof arg === 'string') return arg;
    if (arg instanceof vscode.Uri) return modelNameFromPath(arg.path);
    const doc = vscode.window.activeTextEditor?.document;
    return doc ? modelNameFromPath(doc.uri.path) : undefined;
  }

  /** Pins "Access to model X" in the Users view. Returns the resolution (tests use it). */
  async showModelAccess(arg?: unknown): Promise<ModelAccess<IUser> | undefined> {
    const model = this.modelFromArg(arg);
    if (!model) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a LookML model file (name.model.lkml) to see who can access its model.'));
      return undefined;
    }
    const access = await vscode.window.withProgress(
      { location: { viewId: 'looker.users' }, title: vscode.l10n.t('Finding who can access model {0}…', model) },
      () => this.modelAccess(model),
    );
    const reasons = new Map(access.users.map((u) => [u.id, u.grants.map(describeGrant).join('; ')]));
    const tooltip =
      access.modelSets.length === 0
        ? vscode.l10n.t('Model {0} is in no model set: no role grants access to it.', model)
        : vscode.l10n.t('Model sets: {0}. Roles: {1}.', access.modelSets.map((s) => s.name).join(', '), access.roles.map((r) => r.name).join(', ') || '—');
    this.deps.tree.showPinnedGroup({
      key: `model:${model}`,
      label: vscode.l10n.t('Access to model {0} ({1})', model, access.users.length),
      users: access.users.map((u) => u.user),
      reasons,
      tooltip,
    });
    await (this.deps.revealUsers ?? (() => vscode.commands.executeCommand('looker.users.focus')))();
    return access;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // CodeLens

  private scan(doc: vscode.TextDocument): LookmlScan {
    const key = doc.uri.toString();
    const cached = this.scans.get(key);
    if (cached && cached.version === doc.version) return cached.scan;
    const scan = scanLookml(doc.getText());
    this.scans.set(key, { version: doc.version, scan });
    return scan;
  }

  private provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const model = modelNameFromPath(doc.uri.path);
    if (!model) return [];
    const scan = this.scan(doc);
    const line = scan.connection?.span.startPos.line ?? scan.firstParameter?.startPos.line ?? 0;
    const lens = new vscode.CodeLens(new vscode.Range(line, 0, line, 0)) as vscode.CodeLens & { model?: string; uri?: vscode.Uri };
    lens.model = model;
    lens.uri = doc.uri;
    return [lens];
  }

  private async resolveCodeLens(lens: vscode.CodeLens & { model?: string; uri?: vscode.Uri }): Promise<vscode.CodeLens> {
    const model = lens.model ?? '';
    if (!this.deps.manager.active()) {
      lens.command = { title: vscode.l10n.t('Connect to Looker to see who can access this model'), command: 'looker.addConnection' };
      return lens;
    }
    try {
      const access = await this.modelAccess(model);
      const n = access.users.length;
      lens.command = {
        title: n === 1 ? vscode.l10n.t('1 user can access this model') : vscode.l10n.t('{0} users can access this model', n),
        tooltip: vscode.l10n.t('Show them in the Users view, each with the role and group that grants access'),
        command: LOOKML_COMMANDS.showModelAccess,
        arguments: [model],
      };
    } catch (err) {
      this.deps.log.error(`Model access for ${model} failed`, err);
      lens.command = {
        title: vscode.l10n.t('Model access unavailable — click to retry'),
        command: LOOKML_COMMANDS.refreshModelAccess,
      };
    }
    return lens;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Preview user

  private async pickPreviewUser(userId?: string): Promise<IUser | undefined> {
    const { client } = this.client();
    if (userId) {
      const user = await client.user(userId, PICK_USER_FIELDS);
      this.setPreviewUser(user);
      return user;
    }
    type Item = vscode.QuickPickItem & { user?: IUser; clear?: boolean };
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = vscode.l10n.t('Preview LookML as User');
    qp.placeholder = vscode.l10n.t('Type a name or email to search users');
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    let abort: AbortController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const toItem = (u: IUser): Item => ({
      label: userLabel(u, vscode.l10n),
      description: u.email ?? undefined,
      detail: u.is_disabled ? vscode.l10n.t('ID {0} · disabled', String(u.id)) : vscode.l10n.t('ID {0}', String(u.id)),
      user: u,
    });
    const clearItem: Item[] = this.previewUser ? [{ label: vscode.l10n.t('$(close) Stop previewing as {0}', userLabel(this.previewUser, vscode.l10n)), clear: true, alwaysShow: true }] : [];
    const search = (value: string) => {
      abort?.abort();
      abort = new AbortController();
      const signal = abort.signal;
      qp.busy = true;
      const v = value.trim();
      const common = { fields: PICK_USER_FIELDS, limit: 50, sorts: 'last_name,first_name' };
      // Several words search the full name: search_users_names never matches "Ann Lee" against first + last name.
      const req = !v
        ? client.searchUsers(common, signal)
        : (client.apiSurface ? client.apiSurface() : Promise.resolve(undefined)).then((surface) => {
            const several = freeTextFilters(v, surface);
            return several
              ? client.searchUsers({ ...several, ...common }, signal)
              : client.searchUsersNames(namesPattern(v), common, signal);
          });
      req.then(
        (page) => {
          if (signal.aborted) return;
          qp.items = [...clearItem, ...page.items.map(toItem)];
          qp.busy = false;
        },
        (err) => {
          if (signal.aborted) return;
          qp.busy = false;
          this.deps.log.error('Searching users for the preview user failed', err);
          qp.items = [...clearItem, { label: vscode.l10n.t('$(error) Search failed; see the Looker log'), alwaysShow: true }];
        },
      );
    };
    return new Promise<IUser | undefined>((resolve) => {
      let done = false;
      const finish = (u: IUser | undefined) => {
        if (done) return;
        done = true;
        abort?.abort();
        if (timer) clearTimeout(timer);
        qp.dispose();
        resolve(u);
      };
      qp.onDidChangeValue((v) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => search(v), 250);
      });
      qp.onDidAccept(() => {
        const item = qp.selectedItems[0];
        if (item?.clear) {
          this.setPreviewUser(undefined);
          finish(undefined);
        } else if (item?.user) {
          this.setPreviewUser(item.user);
          finish(item.user);
        }
      });
      qp.onDidHide(() => finish(undefined));
      qp.show();
      search('');
    });
  }

  private previewData(): Promise<PreviewData> | undefined {
    const pu = this.previewUserValue;
    if (!pu) return undefined;
    const { client, connectionId } = this.client();
    if (connectionId !== pu.connectionId) return undefined;
    const key = `${connectionId}\u0000${String(pu.user.id)}`;
    let p = this.preview.get(key);
    if (!p) {
      p = loadPreviewData(client, String(pu.user.id));
      p.catch(() => this.preview.delete(key));
      this.preview.set(key, p);
    }
    return p;
  }

  private attributeGroupValues(attributeId: string) {
    const { client, connectionId } = this.client();
    const key = `${connectionId}\u0000${attributeId}`;
    let p = this.groupValues.get(key);
    if (!p) {
      p = loadGroupValues(client, attributeId).catch(() => []);
      this.groupValues.set(key, p);
    }
    return p;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Hover

  private async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const hit = hitAt(this.scan(doc), doc.offsetAt(pos));
    if (!hit) return undefined;
    const span = hit.kind === 'attributeRef' ? hit.ref.span : hit.span;
    const range = new vscode.Range(span.startPos.line, span.startPos.character, span.endPos.line, span.endPos.character);
    if (!this.deps.manager.active()) {
      const md = new vscode.MarkdownString();
      md.appendMarkdown(this.heading(hit));
      md.appendMarkdown(`\n\n${text(vscode.l10n.t('Connect to Looker to see this attribute.'))}`);
      return new vscode.Hover(md, range);
    }
    try {
      const md = await this.hoverMarkdown(hit);
      return token.isCancellationRequested ? undefined : new vscode.Hover(md, range);
    } catch (err) {
      this.deps.log.error('LookML hover failed', err);
      const md = new vscode.MarkdownString();
      md.appendMarkdown(this.heading(hit));
      md.appendMarkdown(`\n\n$(warning) ${text(vscode.l10n.t('Could not read the attribute from Looker; see the Looker log.'))}`);
      md.supportThemeIcons = true;
      return new vscode.Hover(md, range);
    }
  }

  private attributeName(hit: LookmlHit): string {
    return hit.kind === 'attributeRef' ? hit.ref.name : hit.attribute;
  }

  private heading(hit: LookmlHit): string {
    const name = this.attributeName(hit);
    if (hit.kind === 'accessGrant') {
      return `**${text(vscode.l10n.t('Access grant'))}** ${code(hit.grant.name)} — ${text(vscode.l10n.t('user attribute'))} ${code(name)}`;
    }
    if (hit.kind === 'accessFilter') {
      return `**${text(vscode.l10n.t('Access filter'))}** ${hit.filter.field ? code(hit.filter.field) : ''} — ${text(vscode.l10n.t('user attribute'))} ${code(name)}`;
    }
    return `**${text(vscode.l10n.t('User attribute'))}** ${code(name)}`;
  }

  /** The hover text for a construct (exposed for tests through the hover provider). */
  async hoverMarkdown(hit: LookmlHit): Promise<vscode.MarkdownString> {
    const name = this.attributeName(hit);
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [LOOKML_COMMANDS.previewAsUser] };
    md.appendMarkdown(this.heading(hit));

    const { client } = this.client();
    const previewPromise = this.previewData();
    const [data, defs] = await Promise.all([
      previewPromise,
      previewPromise ? undefined : client.allUserAttributes('id,name,label,type,default_value,value_is_hidden,user_can_view,user_can_edit'),
    ]);
    const definitions = data?.definitions ?? defs ?? [];
    const def = definitions.find((d) => d.name === name);
    if (!def) {
      md.appendMarkdown(`\n\n$(warning) ${text(vscode.l10n.t('This Looker instance has no user attribute named "{0}".', name))}`);
      return md;
    }
    const hidden = !!def.value_is_hidden;
    const facts = [
      `${text(vscode.l10n.t('Label'))}: ${text(def.label ?? name)}`,
      `${text(vscode.l10n.t('Type'))}: ${code(def.type ?? '?')}`,
      hidden
        ? `${text(vscode.l10n.t('Default'))}: ${text(vscode.l10n.t('(hidden)'))}`
        : `${text(vscode.l10n.t('Default'))}: ${def.default_value ? code(def.default_value) : text(vscode.l10n.t('none'))}`,
      `${text(vscode.l10n.t('Hidden'))}: ${text(hidden ? vscode.l10n.t('yes') : vscode.l10n.t('no'))}`,
    ];
    md.appendMarkdown(`\n\n${facts.join(' · ')}`);
    if (hit.kind === 'accessGrant') {
      md.appendMarkdown(`\n\n${text(vscode.l10n.t('Allowed values'))}: ${hit.grant.allowedValues.map(code).join(', ') || text(vscode.l10n.t('none'))}`);
    }

    const pu = this.previewUser;
    if (!data || !pu) {
      md.appendMarkdown(`\n\n---\n\n[${text(vscode.l10n.t('Preview as User…'))}](command:${LOOKML_COMMANDS.previewAsUser} "${vscode.l10n.t('Pick a user to see their value')}") ${text(vscode.l10n.t('to see what a user gets here.'))}`);
      return md;
    }
    const groupValues = def.id ? await this.attributeGroupValues(String(def.id)) : [];
    const attr = resolvePreviewAttribute(def, data.values.get(name) ?? [], groupValues, data.groupNames);
    md.appendMarkdown(`\n\n---\n\n$(eye) **${text(userLabel(pu, vscode.l10n))}**: ${this.describeValue(attr.effective)}`);
    for (const o of attr.overridden) md.appendMarkdown(`\n\n${text(vscode.l10n.t('overrides'))} ${this.describeValue(o)}`);
    if (hit.kind === 'accessGrant') {
      const ev = evaluateAccessGrant(hit.grant.allowedValues, attr);
      const verdict =
        ev.reason === 'match'
          ? `$(pass) ${text(vscode.l10n.t('Passes this access grant (matches "{0}").', ev.matched ?? ''))}`
          : ev.reason === 'hidden'
            ? `$(question) ${text(vscode.l10n.t('Cannot tell whether this user passes: the attribute is hidden.'))}`
            : ev.reason === 'noValue'
              ? `$(circle-slash) ${text(vscode.l10n.t('Does not pass this access grant: no value.'))}`
              : `$(circle-slash) ${text(vscode.l10n.t('Does not pass this access grant.'))}`;
      md.appendMarkdown(`\n\n${verdict}`);
    } else if (hit.kind === 'accessFilter' && !attr.effective.hidden && attr.effective.value === undefined) {
      md.appendMarkdown(`\n\n$(warning) ${text(vscode.l10n.t('No value: Looker shows this user no rows of this explore.'))}`);
    }
    return md;
  }

  private describeValue(v: ResolvedValue): string {
    let value: string;
    if (v.hidden) value = `_${text(vscode.l10n.t('value hidden'))}_`;
    else if (v.value === undefined) value = `_${text(vscode.l10n.t('no value'))}_`;
    else value = code(v.value);
    let from: string;
    switch (v.source) {
      case 'user':
        from = vscode.l10n.t('set on the user');
        break;
      case 'system':
        from = vscode.l10n.t("from the user's account");
        break;
      case 'group':
        from = v.group
          ? v.group.rank !== undefined
            ? vscode.l10n.t('from group {0} (rank {1})', v.group.name, v.group.rank)
            : vscode.l10n.t('from group {0}', v.group.name)
          : vscode.l10n.t('from a group');
        break;
      case 'default':
        from = vscode.l10n.t('the default');
        break;
      case 'none':
        from = vscode.l10n.t('no user, group or default value');
        break;
      default:
        from = vscode.l10n.t('source unknown');
    }
    return `${value} — ${text(from)}`;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Creates the feature and registers it (composition root helper). */
export function registerLookml(context: vscode.ExtensionContext, deps: LookmlDeps): LookmlFeature {
  const feature = new LookmlFeature(deps);
  feature.register(context);
  return feature;
}

