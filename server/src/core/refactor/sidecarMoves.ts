// The files other tools keep beside a model (previews, CivitAI info, hash files, notes): they are named
// after the model, so they move with it or they are orphaned. Known suffixes only: `<stem>.v2.png`
// beside `<stem>.safetensors` is another model's preview, not this one's.

/** Suffixes after the model's stem (file name without extension). */
const STEM_SUFFIXES = [
  '.civitai.info', '.info', '.metadata.json', '.cm-info.json', '.json', '.txt', '.yaml', '.yml', '.sha256',
  '.preview.png', '.preview.jpg', '.preview.jpeg', '.preview.webp', '.preview.gif', '.preview.mp4', '.preview.webm',
  '.thumb.png', '.thumb.jpg', '.thumb.jpeg', '.thumb.webp',
  '.png', '.jpg', '.jpeg', '.webp', '.gif', '.mp4', '.webm',
];
/** Suffixes after the whole file name (`model.safetensors.sha256`). */
const NAME_SUFFIXES = ['.sha256', '.json', '.txt'];

const stemOf = (filename: string): string => {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? filename.slice(0, dot) : filename;
};

/**
 * Which of `siblings` (file names in the model's folder) are the model's sidecars, and the name each
 * gets when the model is renamed to `newFilename`. Case of the suffix is kept as found.
 */
export function sidecarRenames(filename: string, newFilename: string, siblings: readonly string[]): { from: string; to: string }[] {
  const stem = stemOf(filename);
  const newStem = stemOf(newFilename);
  const out: { from: string; to: string }[] = [];
  for (const sibling of siblings) {
    if (sibling === filename) continue;
    const lower = sibling.toLowerCase();
    const byName = NAME_SUFFIXES.find((s) => lower === (filename + s).toLowerCase());
    if (byName) {
      out.push({ from: sibling, to: newFilename + sibling.slice(filename.length) });
      continue;
    }
    const byStem = STEM_SUFFIXES.find((s) => lower === (stem + s).toLowerCase());
    if (byStem) out.push({ from: sibling, to: newStem + sibling.slice(stem.length) });
  }
  return out;
}
