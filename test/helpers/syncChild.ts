// Child process for the two-writers test: opens the index, says "ready", waits for "go" on stdin, then
// adds files to its own root and syncs them in several rounds (one save per round).
import { join } from 'node:path';
import { syncRoots } from '../../server/src/core/index/sync';
import { IndexStore } from '../../server/src/core/index/store';
import { writeFile } from './files';

async function main(): Promise<void> {
  const [indexPath, root, rounds, perRound] = process.argv.slice(2);
  const store = await IndexStore.open(indexPath);
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  for (let r = 0; r < Number(rounds); r++) {
    for (let i = 0; i < Number(perRound); i++) writeFile(join(root, 'loras', `r${r}-${i}.safetensors`), `${root} round ${r} file ${i}`);
    await syncRoots(store, [{ path: root, category: null, origin: 'child' }]);
  }
  process.stdout.write('done\n');
  process.stdin.pause();
}

void main();
