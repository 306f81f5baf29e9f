// Install plan and library health as Markdown report documents (read in the editor or its preview).
import { formatSize, type HealthResult, type InstallPlanResult } from '../../../server/src/protocol';

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const free = (bytes: number | null) => (bytes === null ? 'free space unknown' : `${formatSize(bytes)} free`);
const cell = (text: string) => text.replace(/\|/g, '\\|');

export function installPlanMarkdown(plan: InstallPlanResult): string {
  const t = plan.totals;
  const lines = [
    `# Install plan: ${plan.path}`,
    '',
    `**${t.models} missing model${t.models === 1 ? '' : 's'}**, ${formatSize(t.downloadBytes)} to download${t.unknownSizes ? ` (+${t.unknownSizes} of unknown size)` : ''}, about ${duration(t.estimatedSeconds)} at ${t.bandwidth / 1e6} MB/s${t.withoutSource ? `; ${t.withoutSource} without a known source` : ''}.`,
    '',
  ];
  if (plan.models.length) {
    lines.push('## Missing models', '', '| Model | Category | Size | Source | Target folder |', '|---|---|---|---|---|');
    for (const m of plan.models) lines.push(`| ${cell(m.value)} | ${m.category ?? '?'} | ${m.size !== null ? formatSize(m.size) : '?'} | ${m.sources[0] ? cell(m.sources[0].url) : 'no known source'} | ${m.target ?? '—'} |`);
    lines.push('');
  }
  if (plan.targets.length) {
    lines.push('## Target folders', '');
    for (const s of plan.targets) lines.push(`- ${s.folder}: ${formatSize(s.downloadBytes)} to download, ${free(s.freeBytes)}${s.fits ? '' : ' — **does not fit**'}`);
    lines.push('', 'Each model goes to the model folder that takes its category with the most free space. **Download Missing Models** downloads them, and its folder button sends a model to another folder.', '');
  }
  lines.push('## Custom node packs', '');
  if (!plan.nodes.packs.length) lines.push('None: only core nodes, or nodes whose pack the workflow does not name.');
  for (const p of plan.nodes.packs) lines.push(`- **${p.id}**${p.versions.length ? ` @ ${p.versions.join(', ')}` : ''}: ${p.nodeTypes.join(', ')}`);
  if (plan.nodes.unknownNodeTypes.length) lines.push('', `Node types no known pack provides: ${plan.nodes.unknownNodeTypes.join(', ')}`);
  return lines.join('\n') + '\n';
}

export function healthMarkdown(h: HealthResult): string {
  const t = h.totals;
  const lines = [
    '# Model library health',
    '',
    `${t.models} models · ${h.duplicates.length} duplicated (${formatSize(t.wastedBytes)} wasted) · ${h.unused.length} unused by the ${h.workflows} workflow${h.workflows === 1 ? '' : 's'} of ${h.project} (${formatSize(t.unusedBytes)}) · ${h.withoutSource.length} without a known source · ${h.staleParts.length} stale .part file${h.staleParts.length === 1 ? '' : 's'} (${formatSize(t.stalePartBytes)})`,
    '',
    '## Duplicates',
    '',
  ];
  if (!h.duplicates.length) lines.push('None.');
  for (const d of h.duplicates) lines.push(`- \`${d.hash}\` ${formatSize(d.size)} × ${d.copies.length} (${formatSize(d.wastedBytes)} wasted):`, ...d.copies.map((c) => `  - ${c}`));
  lines.push('', '## Unused models', '');
  if (!h.unused.length) lines.push('None.');
  for (const u of h.unused) lines.push(`- ${u.paths[0]} (${formatSize(u.size)})`);
  lines.push('', '## Without a known source', '');
  if (!h.withoutSource.length) lines.push('None.');
  for (const w of h.withoutSource) lines.push(`- ${w.paths[0]} (${formatSize(w.size)})`);
  lines.push('', '## Stale .part files', '');
  if (!h.staleParts.length) lines.push('None.');
  for (const p of h.staleParts) lines.push(`- ${p.path} (${formatSize(p.size)}, ${Math.round(p.ageSeconds / 3600)} h old)`);
  lines.push('', '## Disk use per model folder', '');
  for (const r of h.roots) lines.push(`- ${r.path}${r.category ? ` (${r.category})` : ''}: ${r.files} files, ${formatSize(r.usedBytes)}, ${free(r.freeBytes)}`);
  return lines.join('\n') + '\n';
}
