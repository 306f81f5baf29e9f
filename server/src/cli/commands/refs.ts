// `comfy-models refs <workflow.json>`: the model references of one workflow, with their spans.
import type { CliCommand } from '../command';
import { EXIT_OK, InputError, UsageError } from '../errors';
import { output, type CliContext } from '../context';
import { resolve } from 'node:path';
import { lineColumn, readWorkflowFile, refJson, whereText } from './workflowFile';

export const refsCommand: CliCommand = {
  usage: 'refs <workflow.json>',
  async run(ctx: CliContext): Promise<number> {
    const [, file, extra] = ctx.args.positionals;
    if (!file || extra !== undefined) throw new UsageError('refs needs exactly one workflow file');
    const wf = readWorkflowFile(resolve(ctx.io.cwd, file));
    const [error] = wf.parsed.errors;
    if (error) {
      if (ctx.json) ctx.io.stdout(JSON.stringify({ error: { message: error.message, offset: error.offset } }, null, 2) + '\n');
      throw new InputError(`${file}:${lineColumn(wf.text, error.offset)}: ${error.message}`);
    }
    const { format, references } = wf.parsed;
    output(ctx, { format, references: references.map(refJson) }, () => {
      if (!format) return `${file}: not a ComfyUI workflow\n`;
      const lines = references.map((r) => `  ${r.active ? '●' : '○'} ${r.category ?? '?'}/${r.value}  ${whereText(r)}${r.active ? '' : '  (inactive)'}\n`);
      return `${file} (${format} format): ${references.length} model reference${references.length === 1 ? '' : 's'}\n${lines.join('')}`;
    });
    return EXIT_OK;
  },
};
