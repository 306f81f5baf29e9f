// Running the CLI in-process (runCli) with captured output, as a terminal would see it.
import { runCli } from '../../server/src/cli';

export async function cli(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}
