// The Models view: roots → categories → subfolders → models, asked of the server a page at a time
// ("Show more…" loads the next). Rows keep their server ids, so a refresh after `indexChanged` keeps
// what is expanded and selected; each refresh asks again for as many rows as were shown.
import * as vscode from 'vscode';
import { baseModelLabel, formatSize, modelKindLabel } from '../../../server/src/protocol/format';
import {
  ModelDetailsRequest, type ModelDetails, type ModelTreeFilter, type ModelTreeGrouping, type ModelTreeItem, ModelTreeRequest, TreeCommands,
} from '../../../server/src/protocol/trees';
import type { LanguageClient } from 'vscode-languageclient/node';

export const PAGE_SIZE = 200;

export type ModelNode = { type: 'row'; item: ModelTreeItem; parent?: ModelNode } | { type: 'more'; parent?: ModelNode; shown: number; total: number };

/** Codicons by canonical category; custom categories get a generic file icon. */
const CATEGORY_ICONS: Record<string, string> = {
  checkpoints: 'package',
  diffusion_models: 'circuit-board',
  loras: 'layers',
  vae: 'color-mode',
  text_encoders: 'symbol-text',
  clip_vision: 'eye',
  controlnet: 'debug-step-over',
  upscale_models: 'zoom-in',
  embeddings: 'symbol-key',
  hypernetworks: 'type-hierarchy',
  style_models: 'paintcan',
  vae_approx: 'color-mode',
};

const iconOf = (category: string | null | undefined) => new vscode.ThemeIcon(CATEGORY_ICONS[category ?? ''] ?? 'file-binary');

/** Loaded children of one row (undefined key: the top level). */
interface Loaded {
  nodes: ModelNode[];
  total: number;
}

export class ModelsTree implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new Map<string, Loaded>();
  /** Rows shown per parent before a refresh: the refresh asks for as many again. */
  private shownBefore = new Map<string, number>();
  private groupByValue: ModelTreeGrouping = 'category';
  private filterValue: ModelTreeFilter = {};

  /** `server` resolves with the running client, starting the language server first if needed (views are a reason to run it). */
  constructor(private readonly server: () => Promise<LanguageClient>) {}

  get groupBy(): ModelTreeGrouping {
    return this.groupByValue;
  }

  set groupBy(value: ModelTreeGrouping) {
    this.groupByValue = value;
    this.reset(false);
  }

  get filter(): ModelTreeFilter {
    return this.filterValue;
  }

  set filter(value: ModelTreeFilter) {
    this.filterValue = value;
    this.reset(false);
  }

  /** Ask the server again (the index changed). Keeps how far each row was paged. */
  refresh(): void {
    this.reset(true);
  }

  private reset(keepPaging: boolean): void {
    this.shownBefore = keepPaging ? new Map([...this.loaded].map(([k, v]) => [k, v.nodes.length])) : new Map();
    this.loaded.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    if (node.type === 'more') {
      const item = new vscode.TreeItem(`Show more… (${node.shown.toLocaleString('en-US')} of ${node.total.toLocaleString('en-US')})`);
      item.id = `more:${node.parent?.type === 'row' ? node.parent.item.id : ''}`;
      item.command = { command: TreeCommands.loadMore, title: 'Show more', arguments: [node] };
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.contextValue = 'more';
      return item;
    }
    const r = node.item;
    if (r.kind === 'model') {
      const item = new vscode.TreeItem(r.label, vscode.TreeItemCollapsibleState.None);
      item.id = r.id;
      item.description = `${formatSize(r.size ?? 0)}${r.copies ? ` · ${r.copies + 1} copies` : ''}`;
      item.iconPath = iconOf(r.category);
      item.resourceUri = vscode.Uri.file(r.path!);
      item.contextValue = r.copies ? 'model duplicate' : 'model';
      return item;
    }
    const item = new vscode.TreeItem(r.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = r.id;
    item.description = `${(r.count ?? 0).toLocaleString('en-US')}`;
    item.tooltip = `${r.label}: ${(r.count ?? 0).toLocaleString('en-US')} model file${r.count === 1 ? '' : 's'}`;
    item.iconPath = r.kind === 'root' ? new vscode.ThemeIcon('root-folder') : r.kind === 'folder' ? vscode.ThemeIcon.Folder : r.kind === 'baseModel' ? new vscode.ThemeIcon('layers') : iconOf(r.category);
    item.contextValue = r.kind;
    return item;
  }

  /** The tooltip of a model row: every location, size, hashes, sources and the workflows using it. */
  async resolveTreeItem(item: vscode.TreeItem, node: ModelNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (node.type !== 'row' || node.item.kind !== 'model' || !node.item.hash) return item;
    const details = await (await this.server()).sendRequest(ModelDetailsRequest.type, { hash: node.item.hash }, token).catch(() => null);
    if (details) item.tooltip = modelTooltip(node.item, details);
    return item;
  }

  async getChildren(node?: ModelNode): Promise<ModelNode[]> {
    if (node?.type === 'more' || (node && node.item.kind === 'model')) return [];
    const key = node?.item.id ?? '';
    let loaded = this.loaded.get(key);
    if (!loaded) {
      const limit = Math.max(PAGE_SIZE, this.shownBefore.get(key) ?? 0);
      const page = await (await this.server()).sendRequest(ModelTreeRequest.type, { parent: node?.item.id, offset: 0, limit, groupBy: this.groupByValue, filter: this.filterValue });
      loaded = { nodes: page.items.map((item) => ({ type: 'row', item, parent: node })), total: page.total };
      this.loaded.set(key, loaded);
    }
    const rows = [...loaded.nodes];
    if (rows.length < loaded.total) rows.push({ type: 'more', parent: node, shown: rows.length, total: loaded.total });
    return rows;
  }

  getParent(node: ModelNode): ModelNode | undefined {
    return node.parent;
  }

  /** "Show more…": the next page of the row the item belongs to. */
  async loadMore(more: ModelNode): Promise<void> {
    if (more.type !== 'more') return;
    const key = more.parent?.type === 'row' ? more.parent.item.id : '';
    const loaded = this.loaded.get(key);
    if (!loaded) return;
    const page = await (await this.server()).sendRequest(ModelTreeRequest.type, {
      parent: more.parent?.type === 'row' ? more.parent.item.id : undefined,
      offset: loaded.nodes.length,
      limit: PAGE_SIZE,
      groupBy: this.groupByValue,
      filter: this.filterValue,
    });
    loaded.nodes.push(...page.items.map((item): ModelNode => ({ type: 'row', item, parent: more.parent })));
    loaded.total = page.total;
    this.changed.fire(more.parent);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Width of the preview image in a model's tooltip. */
const PREVIEW_WIDTH = 128;

export function modelTooltip(row: Pick<ModelTreeItem, 'name' | 'label'>, d: ModelDetails): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(row.name ?? row.label)}** · ${formatSize(d.size)}\n\n`);
  const facts = [d.baseModel && `**Base model** ${escape(baseModelLabel(d.baseModel))}`, d.kind && `**Kind** ${modelKindLabel(d.kind)}`, d.title && `**Title** ${escape(d.title)}`].filter(Boolean);
  if (facts.length) md.appendMarkdown(`${facts.join(' · ')}\n\n`);
  if (d.trainedWords?.length) md.appendMarkdown(`**Trained words** ${d.trainedWords.map(code).join(', ')}\n\n`);
  if (d.preview) md.appendMarkdown(`![preview](${d.preview}|width=${PREVIEW_WIDTH})\n\n`);
  md.appendMarkdown(`quick hash \`${d.hash}\`\n\n`);
  md.appendMarkdown(d.sha256 ? `sha256 \`${d.sha256}\`\n\nblake3 \`${d.blake3}\`${d.hashOrigin ? ` (${escape(d.hashOrigin)})` : ''}\n\n` : '_full hashes not computed yet_\n\n');
  md.appendMarkdown(`**${d.locations.length === 1 ? 'Location' : `${d.locations.length} locations`}**\n\n`);
  for (const l of d.locations) md.appendMarkdown(`- ${code(l.path)}\n`);
  if (d.sources.length) {
    md.appendMarkdown('\n**Sources**\n\n');
    for (const s of d.sources) md.appendMarkdown(`- ${s.type}: ${escape(s.url)}\n`);
  }
  md.appendMarkdown(d.workflows.length ? `\n**Used by** ${d.workflows.map((w) => code(w.label)).join(', ')}\n` : '\n_No workflow in this workspace uses it._\n');
  return md;
}

const escape = (s: string) => s.replace(/[\\`*_{}[\]()#+\-!|<>]/g, '\\$&');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
