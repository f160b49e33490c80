-- :checkhealth ghostline. Uses vim.health where it exists (0.8+; renamed in
-- 0.10) and the health#report_* functions of Neovim 0.7 otherwise.
local M = {}

local h = vim.health or {}
local function pick(new, old, vimfn)
  return h[new] or h[old] or function(...)
    vim.fn[vimfn](...)
  end
end
local start = pick('start', 'report_start', 'health#report_start')
local ok = pick('ok', 'report_ok', 'health#report_ok')
local warn = pick('warn', 'report_warn', 'health#report_warn')
local err = pick('error', 'report_error', 'health#report_error')
local info = pick('info', 'report_info', 'health#report_info')

function M.check()
  local ghostline = require('ghostline')
  start('ghostline')
  local v = vim.version()
  local ver = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.7') ~= 1 then
    err('Neovim ' .. ver .. ' is too old: ghostline needs 0.7 or newer')
  elseif vim.fn.has('nvim-0.10') == 1 then
    ok('Neovim ' .. ver .. ': ghost text drawn inline')
  else
    ok('Neovim ' .. ver .. ': ghost text drawn at the end of the line (inline needs 0.10)')
  end

  local cmd = ghostline.config.cmd
  local exe = vim.fn.exepath(cmd[1])
  if exe == '' then
    err(string.format('server binary %q not found or not executable', cmd[1]), {
      'Install it: `make install` in the ghostline repository (puts it in ~/.local/bin)',
      'or point setup() at it: require("ghostline").setup({ cmd = { "/path/to/ghostline", "serve" } })',
    })
    return
  end
  local out = vim.fn.system({ exe, 'version' })
  if vim.v.shell_error ~= 0 then
    err(string.format('%s version failed: %s', exe, vim.trim(out)))
    return
  end
  ok(string.format('server %s: %s', exe, vim.trim(out)))

  local client = ghostline.client(vim.api.nvim_get_current_buf())
  if not client then
    info('no server attached to the current buffer (open a file of a repository)')
    return
  end
  local res = ghostline._call(client, 'request_sync', 'ghostline/status', vim.empty_dict(), 2000)
  if not res or res.err then
    warn('ghostline/status did not answer: ' .. vim.inspect(res and res.err))
    return
  end
  local line = require('ghostline.util').status_line(res.result, ghostline.config.enabled)
  if type(res.result) == 'table' and (res.result.error or '') ~= '' then
    warn(line)
  else
    ok(line)
  end
end

return M
