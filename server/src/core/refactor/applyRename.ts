// A rename plan carried out on disk (the CLI's `mv`): everything is checked first (each workflow still
// holds the tokens the plan read, each manifest edit can be made, no target exists), then the model and
// its sidecars are moved and the files written. A failure while moving puts the files back.
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { editManifest } from '../manifest/edit';
import { editManifestFile, readManifestText, writeFileAtomic } from '../manifest/file';
import { applySplices } from '../text';
import { RenameRefused } from './newName';
import type { FileMove, RenamePlan } from './renamePlan';

export interface AppliedRename {
  moved: FileMove[];
  workflows: string[];
  manifests: string[];
  warnings: string[];
}

const exists = (path: string) => fsp.lstat(path).then(() => true, () => false);

export async function applyRenameOnDisk(plan: RenamePlan): Promise<AppliedRename> {
  const texts = new Map<string, string>();
  for (const w of plan.workflows) {
    const raw = await fsp.readFile(w.path, 'utf8');
    // Offsets are into the text without a byte order mark (as workflows are parsed); the mark is kept.
    const bom = raw.charCodeAt(0) === 0xfeff ? '\uFEFF' : '';
    const text = raw.slice(bom.length);
    w.splices.forEach((s, i) => {
      if (text.slice(s.offset, s.offset + s.length) !== w.values[i].raw) throw new RenameRefused(`${w.path} changed since it was read; nothing was changed, try again`);
    });
    texts.set(w.path, bom + applySplices(text, w.splices));
  }
  for (const m of plan.manifests) editManifest((await readManifestText(m.path)).text, m.edits); // throws when it cannot be made
  const moves = [plan.model, ...plan.sidecars];
  for (const move of moves) if (await exists(move.to)) throw new RenameRefused(`${move.to} already exists; nothing was changed`);

  const done: FileMove[] = [];
  try {
    for (const move of moves) {
      await fsp.mkdir(dirname(move.to), { recursive: true });
      await fsp.rename(move.from, move.to);
      done.push(move);
    }
  } catch (err) {
    for (const move of done.reverse()) await fsp.rename(move.to, move.from).catch(() => undefined);
    throw new RenameRefused(`cannot move ${moves[done.length].from}: ${(err as NodeJS.ErrnoException).code ?? String(err)}; nothing was changed`);
  }
  const warnings: string[] = [];
  for (const [path, text] of texts) {
    const st = await fsp.stat(path);
    await writeFileAtomic(path, text, st.mode & 0o7777);
  }
  for (const m of plan.manifests) warnings.push(...(await editManifestFile(m.path, m.edits)).warnings);
  return { moved: done, workflows: [...texts.keys()], manifests: plan.manifests.map((m) => m.path), warnings };
}
