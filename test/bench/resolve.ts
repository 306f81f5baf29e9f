// Bench row: parse + resolve a synthetic 500-node workflow against 100,000 indexed models
// (DESIGN.md §13 target: ≤ 50 ms p95). Run alone: node out/test/bench/resolve.js
import { FuzzyCache, resolveReferences } from '../../server/src/core/resolve';
import { parseWorkflow } from '../../server/src/core/workflow';
import { libraryIndex } from '../unit/resolve-library';

export interface BenchRow {
  what: string;
  value: string;
  target: string;
}

const CATEGORIES = ['checkpoints', 'loras', 'vae', 'text_encoders', 'diffusion_models', 'controlnet', 'upscale_models', 'embeddings', 'clip_vision', 'ipadapter'];
const LOADER: Record<string, string> = { checkpoints: 'CheckpointLoaderSimple', loras: 'LoraLoader', vae: 'VAELoader', text_encoders: 'CLIPLoader', diffusion_models: 'UNETLoader', controlnet: 'ControlNetLoader', upscale_models: 'UpscaleModelLoader' };

/** A synthetic UI workflow: loaders of seven categories, prompts with embeddings, samplers, a few misses. */
export function benchWorkflow(nodes: number): string {
  const list = [];
  for (let i = 0; i < nodes; i++) {
    const category = CATEGORIES[i % 7];
    // every 25th node names a file that does not exist (fuzzy search), every 50th is a custom node
    const j = i * 10 + CATEGORIES.indexOf(category); // an indexed file of that category
    const name = i % 25 === 0 ? `missing_${i}_model.safetensors` : `sub${j % 13}/model_${category}_${j}.safetensors`;
    if (i % 50 === 1) list.push({ id: i, type: 'SomeCustomLoader', mode: 0, widgets_values: [name, 1] });
    else if (i % 5 === 2) list.push({ id: i, type: 'CLIPTextEncode', mode: 0, widgets_values: [`a photo, embedding:neg_${i * 10 + 7}`] });
    else if (i % 5 === 3) list.push({ id: i, type: 'KSampler', mode: 0, widgets_values: [i, 'randomize', 20, 8, 'euler', 'normal', 1] });
    else list.push({ id: i, type: LOADER[category], mode: i % 31 === 0 ? 4 : 0, widgets_values: [name, 1, 1] });
  }
  return JSON.stringify({ last_node_id: nodes, version: 0.4, links: [], nodes: list }, null, 2);
}

/** Paths of a synthetic library spread over ten categories, the ones benchWorkflow names. */
export function benchLibrary(count: number): string[] {
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const category = CATEGORIES[i % CATEGORIES.length];
    files.push(category === 'embeddings' ? `embeddings/neg_${i}.pt` : `${category}/sub${i % 13}/model_${category}_${i}.safetensors`);
  }
  return files;
}

/** Median and p95 of a list of times, in ms. */
export function percentiles(times: readonly number[]): { median: number; p95: number; max: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.ceil(sorted.length * 0.95) - 1], max: sorted[sorted.length - 1] };
}

export function resolveBench(): BenchRow[] {
  const index = libraryIndex(benchLibrary(100_000));
  const text = benchWorkflow(500);
  const times: number[] = [];
  // As the server does: candidates of missing names are kept per list (the first run pays for them).
  const fuzzy = new FuzzyCache();
  let refs = 0;
  for (let run = 0; run < 30; run++) {
    const started = performance.now();
    const parsed = parseWorkflow(text);
    const resolved = resolveReferences(parsed.references, { index, fuzzy });
    times.push(performance.now() - started);
    refs = resolved.length;
  }
  const { median, p95 } = percentiles(times);
  return [{ what: `parse + resolve 500-node workflow (${refs} refs, ${(text.length / 1024).toFixed(0)} KB), 100,000 models`, value: `median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (first ${times[0].toFixed(1)} ms)`, target: '≤ 50 ms p95' }];
}

if (require.main === module) for (const row of resolveBench()) console.log(`${row.what}: ${row.value} (target ${row.target})`);
