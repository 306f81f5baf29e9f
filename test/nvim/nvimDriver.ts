// Drives a real Neovim (Debian's 0.7, headless, `--clean`: no config, no plugins) with its built-in
// LSP client against the bundled server (`server/dist/server.js --stdio`), one Lua script per check.
// The script starts the client the way the README's snippet does (settings sent with
// didChangeConfiguration from on_init: Neovim 0.7 does not declare workspace/configuration),
// opens the workflow, waits (vim.wait on a predicate: an event wait) until the missing-model
// diagnostic names the indexed near miss, runs the check's Lua, writes a JSON result and quits with
// `cquit 1` on failure.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..', '..');
export const serverJs = join(repoRoot, 'server', 'dist', 'server.js');

export interface NvimConfig {
  workflow: string;
  workspace: string;
  /** The `comfyModels` settings section. */
  settings: Record<string, unknown>;
  /** The indexed file the missing-model diagnostic must name before a check runs. */
  candidate: string;
  /** Anything the check's Lua reads as `cfg.<name>`. */
  [key: string]: unknown;
}

export interface NvimResult {
  ok: boolean;
  /** The Lua error and traceback when not ok. */
  detail?: string;
  /** What the check recorded in `out`. */
  [key: string]: unknown;
}

const PRELUDE = String.raw`
local cfg = vim.fn.json_decode(table.concat(vim.fn.readfile(vim.env.COMFY_NVIM_CONFIG), '\n'))
local out = {}
vim.lsp.set_log_level(vim.env.COMFY_NVIM_LOG_LEVEL or 'warn')

local function finish(ok, detail)
  out.ok = ok
  if not ok then out.detail = tostring(detail) end
  vim.fn.writefile({ vim.fn.json_encode(out) }, cfg.resultFile)
  vim.cmd(ok and 'qall!' or 'cquit 1')
end

local ok, err = xpcall(function()
  local id = vim.lsp.start_client({
    name = 'comfy_models',
    cmd = cfg.cmd,
    root_dir = cfg.workspace,
    settings = { comfyModels = cfg.settings },
    on_init = function(client)
      client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
    end,
  })
  assert(id, 'the language server did not start')
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.workflow))
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.lsp.buf_attach_client(buf, id), 'the client did not attach')

  -- The missing-model diagnostic that names the near miss: the index is loaded and the settings applied.
  local function missing()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'missing-model' and d.message:find(cfg.candidate, 1, true) then return d end
    end
  end
  if not vim.wait(cfg.waitMs, function() return missing() ~= nil end, 20) then
    error('no missing-model diagnostic naming ' .. cfg.candidate .. ' arrived; diagnostics: ' .. vim.inspect(vim.diagnostic.get(buf)))
  end
  local params = function(position) return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = position } end
  local function request(method, p)
    local responses, why = vim.lsp.buf_request_sync(buf, method, p, cfg.waitMs)
    assert(responses and responses[id], method .. ' got no answer: ' .. tostring(why))
    assert(not responses[id].err, method .. ' failed: ' .. vim.inspect(responses[id].err))
    return responses[id].result
  end

  CHECK
end, debug.traceback)
finish(ok, err)
`;

/** Runs one check: `check` is Lua with `cfg`, `out`, `buf`, `id`, `missing()`, `params(position)`, `request(method, params)` in scope. */
export async function runNeovim(dir: string, name: string, config: NvimConfig, check: string): Promise<NvimResult> {
  mkdirSync(dir, { recursive: true });
  const script = join(dir, `${name}.lua`);
  const configFile = join(dir, `${name}.json`);
  const resultFile = join(dir, `${name}.result.json`);
  const state = join(dir, `${name}-xdg`);
  writeFileSync(script, PRELUDE.replace('CHECK', () => check));
  writeFileSync(configFile, JSON.stringify({ waitMs: 60_000, ...config, resultFile, cmd: [process.execPath, serverJs, '--stdio'] }));
  const child = spawn('nvim', ['--headless', '--clean', '-c', `luafile ${script}`], {
    cwd: config.workspace,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, COMFY_NVIM_CONFIG: configFile, XDG_CACHE_HOME: join(state, 'cache'), XDG_STATE_HOME: join(state, 'state'), XDG_DATA_HOME: join(state, 'data') },
    // A guard against a hung editor, not a wait: every wait in the script is a vim.wait on an event.
    timeout: 150_000,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const lspLog = join(state, 'cache', 'nvim', 'lsp.log');
  const context = `nvim exited with ${code}\n${output}${existsSync(lspLog) ? `\nlsp.log:\n${readFileSync(lspLog, 'utf8').slice(-4000)}` : ''}`;
  if (!existsSync(resultFile)) throw new Error(`Neovim wrote no result. ${context}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as NvimResult;
  if (!result.ok || code !== 0) throw new Error(`${result.detail ?? 'check failed'}\n${context}`);
  return result;
}
