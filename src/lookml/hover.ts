/** Hovers over user attributes, access grants and access filters: the attribute, and what the preview user gets. */
import * as vscode from 'vscode';
import type { IUserAttributeGroupValue } from '@looker/sdk';
import { userLabel } from '../format/names';
import { PromiseCache } from '../util/promiseCache';
import { loadGroupValues } from './api';
import { evaluateAccessGrant, resolvePreviewAttribute, type ResolvedValue } from './attributes';
import { activeClient, LOOKML_COMMANDS, type LookmlDeps } from './deps';
import type { PreviewUser } from './previewUser';
import { hitAt, type LookmlHit, type LookmlScan } from './scanner';

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

function attributeName(hit: LookmlHit): string {
  return hit.kind === 'attributeRef' ? hit.ref.name : hit.attribute;
}

function heading(hit: LookmlHit): string {
  const name = attributeName(hit);
  if (hit.kind === 'accessGrant') {
    return `**${text(vscode.l10n.t('Access grant'))}** ${code(hit.grant.name)} — ${text(vscode.l10n.t('user attribute'))} ${code(name)}`;
  }
  if (hit.kind === 'accessFilter') {
    return `**${text(vscode.l10n.t('Access filter'))}** ${hit.filter.field ? code(hit.filter.field) : ''} — ${text(vscode.l10n.t('user attribute'))} ${code(name)}`;
  }
  return `**${text(vscode.l10n.t('User attribute'))}** ${code(name)}`;
}

function describeValue(v: ResolvedValue): string {
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

export class LookmlHovers implements vscode.HoverProvider {
  /** Group values per attribute (an attribute whose group values cannot be read has none). */
  private readonly groupValues = new PromiseCache<IUserAttributeGroupValue[]>();

  constructor(
    private readonly deps: LookmlDeps,
    private readonly preview: PreviewUser,
    private readonly scan: (doc: vscode.TextDocument) => LookmlScan,
  ) {}

  /** Forgets the loaded group values. */
  clearCache(): void {
    this.groupValues.clear();
  }

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const hit = hitAt(this.scan(doc), doc.offsetAt(pos));
    if (!hit) return undefined;
    const span = hit.kind === 'attributeRef' ? hit.ref.span : hit.span;
    const range = new vscode.Range(span.startPos.line, span.startPos.character, span.endPos.line, span.endPos.character);
    if (!this.deps.manager.active()) {
      const md = new vscode.MarkdownString();
      md.appendMarkdown(heading(hit));
      md.appendMarkdown(`\n\n${text(vscode.l10n.t('Connect to Looker to see this attribute.'))}`);
      return new vscode.Hover(md, range);
    }
    try {
      const md = await this.markdown(hit);
      return token.isCancellationRequested ? undefined : new vscode.Hover(md, range);
    } catch (err) {
      this.deps.log.error('LookML hover failed', err);
      const md = new vscode.MarkdownString();
      md.appendMarkdown(heading(hit));
      md.appendMarkdown(`\n\n$(warning) ${text(vscode.l10n.t('Could not read the attribute from Looker; see the Looker log.'))}`);
      md.supportThemeIcons = true;
      return new vscode.Hover(md, range);
    }
  }

  private attributeGroupValues(attributeId: string): Promise<IUserAttributeGroupValue[]> {
    const { client, connectionId } = activeClient(this.deps);
    return this.groupValues.get(`${connectionId}\u0000${attributeId}`, () => loadGroupValues(client, attributeId).catch(() => []));
  }

  /** The hover text for a construct. */
  private async markdown(hit: LookmlHit): Promise<vscode.MarkdownString> {
    const name = attributeName(hit);
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [LOOKML_COMMANDS.previewAsUser] };
    md.appendMarkdown(heading(hit));

    const { client } = activeClient(this.deps);
    const previewPromise = this.preview.loadData();
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

    const pu = this.preview.user;
    if (!data || !pu) {
      md.appendMarkdown(`\n\n---\n\n[${text(vscode.l10n.t('Preview as User…'))}](command:${LOOKML_COMMANDS.previewAsUser} "${vscode.l10n.t('Pick a user to see their value')}") ${text(vscode.l10n.t('to see what a user gets here.'))}`);
      return md;
    }
    const groupValues = def.id ? await this.attributeGroupValues(String(def.id)) : [];
    const attr = resolvePreviewAttribute(def, data.values.get(name) ?? [], groupValues, data.groupNames);
    md.appendMarkdown(`\n\n---\n\n$(eye) **${text(userLabel(pu, vscode.l10n))}**: ${describeValue(attr.effective)}`);
    for (const o of attr.overridden) md.appendMarkdown(`\n\n${text(vscode.l10n.t('overrides'))} ${describeValue(o)}`);
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
}
