// The language server in a real third-party editor (issue 12): Neovim 0.7 from Debian, headless, with
// its built-in client and no plugins, against the bundled server, on a generated workspace — a
// model root with two checkpoints and a VAE, and a workflow whose checkpoint is a near miss of an
// indexed one. Neovim neither pulls diagnostics nor declares workspace/configuration.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { tempDir, writeFile } from '../helpers/files';
import { runNeovim, serverJs, type NvimConfig } from './nvimDriver';
import { uiNode } from '../helpers/workflows';

const WORKFLOW = JSON.stringify(
  { last_node_id: 2, nodes: [uiNode(1, 'CheckpointLoaderSimple', ['sd_xl_base.safetensors']), uiNode(2, 'VAELoader', ['ae.safetensors'])], links: [], version: 0.4 },
  null,
  2,
);
const NEAR_MISS = 'sd_xl_base_1.0.safetensors';

/** LSP position (0-based line, UTF-16 column) of `value` in the workflow, plus `delta` characters. */
function positionOf(value: string, delta = 0) {
  return TextDocument.create('file:///x', 'json', 0, WORKFLOW).positionAt(WORKFLOW.indexOf(value) + delta);
}

describe('Neovim (built-in LSP client, no plugins)', () => {
  let dir: string;
  let config: NvimConfig;

  before(() => {
    assert.ok(existsSync(serverJs), `the server bundle is built (${serverJs})`);
    dir = tempDir('cm-nvim-');
    const models = join(dir, 'models');
    writeFile(join(models, 'checkpoints', NEAR_MISS), 'sdxl base weights');
    writeFile(join(models, 'checkpoints/sd_xl_refiner_1.0.safetensors'), 'sdxl refiner weights');
    writeFile(join(models, 'vae/ae.safetensors'), 'flux vae');
    const workspace = join(dir, 'ws');
    const workflow = join(workspace, 'workflows/main.json');
    writeFile(workflow, WORKFLOW);
    config = { workspace, workflow, candidate: NEAR_MISS, settings: { modelDirectories: [models], indexPath: join(dir, 'index.sqlite') } };
  });

  test('the missing checkpoint gets an error diagnostic on its line and column, naming the near miss', async () => {
    const result = await runNeovim(join(dir, 'lua'), 'diagnostic', config, `
      local d = missing()
      out.line, out.col, out.severity, out.source = d.lnum, d.col, d.severity, d.source
    `);
    const at = positionOf('sd_xl_base.safetensors');
    assert.deepEqual([result.line, result.col], [at.line, at.character]);
    assert.equal(result.severity, 1, 'vim.diagnostic.severity.ERROR');
    assert.equal(result.source, 'comfy-models');
  });

  test('hover on the VAE names the indexed file', async () => {
    const result = await runNeovim(join(dir, 'lua'), 'hover', { ...config, at: positionOf('ae.safetensors', 2) }, `
      local hover = request('textDocument/hover', params(cfg.at))
      out.hover = hover and hover.contents and (hover.contents.value or hover.contents) or vim.NIL
    `);
    assert.equal(typeof result.hover, 'string');
    assert.match(result.hover as string, /vae\/ae\.safetensors|ae\.safetensors/);
    assert.doesNotMatch(result.hover as string, /not found in the model index/i);
  });

  test('completion in the checkpoint value offers the indexed checkpoints, best first', async () => {
    const result = await runNeovim(join(dir, 'lua'), 'completion', { ...config, at: positionOf('sd_xl_base.safetensors', 5) }, `
      local list = request('textDocument/completion', params(cfg.at))
      out.labels = {}
      for _, item in ipairs(list.items or list) do table.insert(out.labels, item.label) end
    `);
    const labels = result.labels as string[];
    assert.equal(labels[0], NEAR_MISS);
    assert.ok(labels.includes('sd_xl_refiner_1.0.safetensors'), labels.join(', '));
    assert.ok(!labels.includes('ae.safetensors'), 'only checkpoints are offered');
  });

  test('"Replace with …" applies: the buffer text changes and the diagnostic goes away', async () => {
    const result = await runNeovim(join(dir, 'lua'), 'code-action', config, `
      local d = missing()
      -- The diagnostic as the server published it (Neovim keeps code and data in user_data.lsp).
      local lsp = d.user_data and d.user_data.lsp or {}
      local diagnostic = {
        range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
        severity = d.severity, message = d.message, source = d.source, code = d.code, data = lsp.data,
      }
      local actions = request('textDocument/codeAction', {
        textDocument = { uri = vim.uri_from_bufnr(buf) }, range = diagnostic.range, context = { diagnostics = { diagnostic } },
      })
      out.titles, out.commands = {}, {}
      local replace
      for _, a in ipairs(actions) do
        table.insert(out.titles, a.title)
        if a.command then table.insert(out.commands, type(a.command) == 'table' and a.command.command or a.command) end
        if a.title == "Replace in workflow with '" .. cfg.candidate .. "'" then replace = a end
      end
      assert(replace, 'no Replace action among ' .. vim.inspect(out.titles))
      vim.lsp.util.apply_workspace_edit(replace.edit, 'utf-16')
      out.line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
      out.cleared = vim.wait(cfg.waitMs, function() return missing() == nil and #vim.diagnostic.get(buf) == 0 end, 20)
    `);
    assert.ok((result.titles as string[]).includes(`Replace in workflow with '${NEAR_MISS}'`));
    assert.deepEqual(result.commands, [], 'no action runs a command only the VS Code client has');
    assert.match(result.line as string, new RegExp(`"${NEAR_MISS.replace(/\./g, '\\.')}"`));
    assert.equal(result.cleared, true, 'the server published the fixed workflow without diagnostics');
  });
});
