// Library Health and Install Plan as the HTML of a read-only report panel (reportPanel.ts). Colours and
// fonts are VS Code's theme variables, so the report follows the theme. Each action is a button naming
// what it does and a key the panel looks up in the report it rendered (a row index, a path, a hash of
// the report): the page never hands the extension a URL or a path of its own.
import { formatSize, type HealthResult, type InstallPlanResult } from '../../../server/src/protocol';

export type ReportAction = 'download' | 'deleteCopy' | 'reveal' | 'openManifestEntry';

export interface ReportPage {
  title: string;
  /** The body: headings, tables and action buttons. */
  body: string;
}

/** What the page may offer beyond the report itself. */
export interface ReportOptions {
  /** Hashes the project's manifest lists: their rows get "Open Manifest Entry". */
  manifestHashes: ReadonlySet<string>;
  /** Write actions (download, delete) are offered in a trusted workspace only. */
  trusted: boolean;
}

export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const button = (action: ReportAction, arg: string | number, label: string) =>
  `<button data-action="${action}" data-arg="${escapeHtml(String(arg))}">${escapeHtml(label)}</button>`;

const free = (bytes: number | null) => (bytes === null ? 'free space unknown' : `${formatSize(bytes)} free`);

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function table(head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

const section = (title: string, content: string) => `<h2>${escapeHtml(title)}</h2>${content}`;
const none = '<p class="none">None.</p>';
const actions = (...buttons: (string | false)[]) => `<span class="actions">${buttons.filter(Boolean).join('')}</span>`;

/** A model file: its path, "Reveal" and, when the manifest lists its model, "Open Manifest Entry". */
function fileCell(file: string, hash: string, options: ReportOptions): string {
  return `<code>${escapeHtml(file)}</code> ${actions(button('reveal', file, 'Reveal'), options.manifestHashes.has(hash) && button('openManifestEntry', hash, 'Open Manifest Entry'))}`;
}

export function healthPage(h: HealthResult, options: ReportOptions): ReportPage {
  const t = h.totals;
  const summary = `${t.models} models · ${h.duplicates.length} duplicated (${formatSize(t.wastedBytes)} wasted) · ${h.unused.length} unused by the ${h.workflows} workflow${h.workflows === 1 ? '' : 's'} of ${h.project} (${formatSize(t.unusedBytes)}) · ${h.withoutSource.length} without a known source · ${h.staleParts.length} stale .part file${h.staleParts.length === 1 ? '' : 's'} (${formatSize(t.stalePartBytes)})`;
  const duplicates = h.duplicates.length
    ? table(['Copy', 'Size', 'Actions'], h.duplicates.flatMap((d) => d.copies.map((c) => [
      fileCell(c, d.hash, options),
      `${formatSize(d.size)} × ${d.copies.length}`,
      // Every copy may go: the server refuses to delete the last one.
      actions(options.trusted && button('deleteCopy', c, 'Delete This Copy')),
    ])))
    : none;
  const files = (list: HealthResult['unused']) => (list.length ? table(['Model', 'Size'], list.map((u) => [fileCell(u.paths[0], u.hash, options), formatSize(u.size)])) : none);
  const parts = h.staleParts.length
    ? table(['File', 'Size', 'Age'], h.staleParts.map((p) => [`<code>${escapeHtml(p.path)}</code> ${actions(button('reveal', p.path, 'Reveal'))}`, formatSize(p.size), `${Math.round(p.ageSeconds / 3600)} h`]))
    : none;
  const roots = table(['Model folder', 'Files', 'Used', 'Free'], h.roots.map((r) => [
    `<code>${escapeHtml(r.path)}</code>${r.category ? ` (${escapeHtml(r.category)})` : ''}`, String(r.files), formatSize(r.usedBytes), free(r.freeBytes),
  ]));
  return {
    title: 'Library Health',
    body: [
      `<h1>Model library health</h1><p class="summary">${escapeHtml(summary)}</p>`,
      section('Duplicates', duplicates),
      section('Unused models', files(h.unused)),
      section('Without a known source', files(h.withoutSource)),
      section('Stale .part files', parts),
      section('Disk use per model folder', roots),
    ].join('\n'),
  };
}

export function installPlanPage(plan: InstallPlanResult, options: ReportOptions): ReportPage {
  const t = plan.totals;
  const summary = `${t.models} missing model${t.models === 1 ? '' : 's'}, ${formatSize(t.downloadBytes)} to download${t.unknownSizes ? ` (+${t.unknownSizes} of unknown size)` : ''}${t.downloadBytes ? `, about ${duration(t.estimatedSeconds)} at ${t.bandwidth / 1e6} MB/s` : ''}${t.withoutSource ? `; ${t.withoutSource} without a known source` : ''}.`;
  const models = plan.models.length
    ? table(['Model', 'Category', 'Size', 'Source', 'Target folder', 'Actions'], plan.models.map((m, i) => [
      `<code>${escapeHtml(m.value)}</code>`,
      escapeHtml(m.category ?? '?'),
      m.size !== null ? formatSize(m.size) : '?',
      m.sources[0] ? `<code>${escapeHtml(m.sources[0].url)}</code>` : 'no known source',
      m.target ? `<code>${escapeHtml(m.target)}</code>` : '—',
      actions(
        options.trusted && !!m.sources[0] && !!m.category && button('download', i, 'Download'),
        !!m.hash && options.manifestHashes.has(m.hash) && button('openManifestEntry', m.hash, 'Open Manifest Entry'),
      ),
    ]))
    : '<p class="none">Nothing is missing.</p>';
  const targets = plan.targets.length
    ? `<ul>${plan.targets.map((s) => `<li><code>${escapeHtml(s.folder)}</code>: ${formatSize(s.downloadBytes)} to download, ${free(s.freeBytes)}${s.fits ? '' : ' — <strong>does not fit</strong>'}</li>`).join('')}</ul>`
    : none;
  const packs = plan.nodes.packs.length
    ? `<ul>${plan.nodes.packs.map((p) => `<li><strong>${escapeHtml(p.id)}</strong>${p.versions.length ? ` @ ${escapeHtml(p.versions.join(', '))}` : ''}: ${escapeHtml(p.nodeTypes.join(', '))}</li>`).join('')}</ul>`
    : '<p class="none">None: only core nodes, or nodes whose pack the workflow does not name.</p>';
  const unknown = plan.nodes.unknownNodeTypes.length ? `<p>Node types no known pack provides: ${escapeHtml(plan.nodes.unknownNodeTypes.join(', '))}</p>` : '';
  return {
    title: `Install Plan: ${plan.path.split(/[\\/]/).pop() ?? plan.path}`,
    body: [
      `<h1>Install plan: <code>${escapeHtml(plan.path)}</code></h1><p class="summary">${escapeHtml(summary)}</p>`,
      section('Missing models', models),
      section('Target folders', targets),
      section('Custom node packs', packs + unknown),
    ].join('\n'),
  };
}

/** The whole document: theme variables only, no remote content, the one inline script allowed by its nonce. */
export function reportDocument(page: ReportPage, cspSource: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';">
<title>${escapeHtml(page.title)}</title>
<style>
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 20px 20px; }
  h1 { font-size: 1.4em; font-weight: 600; } h2 { font-size: 1.1em; font-weight: 600; margin-top: 1.6em; border-bottom: 1px solid var(--vscode-panel-border); padding-bottom: 4px; }
  .summary { color: var(--vscode-descriptionForeground); } .none { color: var(--vscode-descriptionForeground); font-style: italic; }
  code { font-family: var(--vscode-editor-font-family); color: var(--vscode-textPreformat-foreground); word-break: break-all; }
  table { border-collapse: collapse; width: 100%; } th { text-align: left; font-weight: 600; color: var(--vscode-descriptionForeground); }
  th, td { padding: 4px 8px; border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-panel-border)); vertical-align: top; }
  .actions { white-space: nowrap; } button { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: none; border-radius: 2px; padding: 2px 8px; margin: 0 4px 2px 0; cursor: pointer; font-family: inherit; }
  button:hover { background: var(--vscode-button-secondaryHoverBackground); } button:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
</style></head>
<body>${page.body}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  document.addEventListener('click', (event) => {
    const b = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (b) vscode.postMessage({ action: b.dataset.action, arg: b.dataset.arg });
  });
</script></body></html>`;
}
