-- ghostline for Neovim (0.7.2 and newer): shows the suggestions of
-- `ghostline serve` as ghost text and reports what the user does with them.
-- A thin client: all completion logic is in the server.
--
--   require('ghostline').setup({})
local util = require('ghostline.util')
local lsplog = require('vim.lsp.log')

local M = {}
local api = vim.api
local uv = vim.uv or vim.loop

local METHOD = 'textDocument/inlineCompletion'
local CANCELLED = -32800
local STABLE_MS = 60000 -- a server up this long restarts quickly again

local defaults = {
  -- The server command; cmd[1] may be a path. Default: `ghostline serve` from PATH.
  cmd = { 'ghostline', 'serve' },
  enabled = true,
  -- Server settings, sent as initializationOptions: { model = { provider = 'builtin' } }.
  settings = {},
  -- Insert-mode keys; false disables one. Each falls back to the key's own
  -- meaning when no suggestion is shown.
  keys = { accept = '<Tab>', accept_word = '<M-Right>', accept_line = '<M-Down>', dismiss = '<C-]>' },
  exclude_filetypes = { 'help', 'gitcommit', 'gitrebase', 'TelescopePrompt' },
  root_markers = { '.git', 'go.mod', 'package.json', 'pyproject.toml', 'Cargo.toml' },
  hl_group = 'GhostlineSuggestion',
}

M.config = vim.deepcopy(defaults)

-- call invokes a client function: a method from Neovim 0.11 on.
local function call(client, name, ...)
  if util.v011 then
    return client[name](client, ...)
  end
  return client[name](...)
end

local ns = api.nvim_create_namespace('ghostline')
local has_inline = vim.fn.has('nvim-0.10') == 1

-- clients by root directory: { id, bufs = {[buf]=true}, attempt, started, stopping }
local clients = {}
local failed_msg -- the binary is missing: reported once, nothing retried
local sug -- the suggestion on screen
local pending -- { client, id } of the request in flight

local function log(level, msg)
  vim.notify('ghostline: ' .. msg, level)
end

M._call = call

-- ---------------------------------------------------------------- server

local function find_root(buf)
  local file = api.nvim_buf_get_name(buf)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  for _, marker in ipairs(M.config.root_markers) do
    local found = vim.fn.finddir(marker, dir .. ';')
    if found == '' then
      found = vim.fn.findfile(marker, dir .. ';')
    end
    if found ~= '' then
      local p = vim.fn.fnamemodify(found, ':p'):gsub('/$', '')
      return vim.fn.fnamemodify(p, ':h')
    end
  end
  return dir
end

local function fail(msg)
  if failed_msg == msg then
    return
  end
  failed_msg = msg
  log(vim.log.levels.ERROR, msg)
end

-- json_object makes an empty Lua table encode as {} rather than [].
local function json_object(t)
  if type(t) ~= 'table' then
    return t
  end
  if next(t) == nil then
    return vim.empty_dict()
  end
  local out = {}
  for k, v in pairs(t) do
    out[k] = type(k) == 'string' and json_object(v) or v
  end
  return out
end

local start_client

local function on_exit(root, client_id, code, signal)
  local c = clients[root]
  if not c or c.id ~= client_id then
    return
  end
  if sug and sug.client_id == client_id then
    api.nvim_buf_clear_namespace(sug.buf, ns, 0, -1)
    sug = nil
  end
  pending = nil
  if c.stopping then
    clients[root] = nil
    return
  end
  if uv.now() - c.started >= STABLE_MS then
    c.attempt = 0
  end
  c.attempt = c.attempt + 1
  c.id = nil
  local delay = util.backoff(c.attempt)
  log(vim.log.levels.WARN, string.format('server exited (code %s, signal %s); restarting in %d ms', code, signal, delay))
  vim.defer_fn(function()
    if clients[root] ~= c or c.id or c.stopping then
      return
    end
    c.id = start_client(root)
    if not c.id then
      return
    end
    for buf in pairs(c.bufs) do
      if api.nvim_buf_is_loaded(buf) then
        vim.lsp.buf_attach_client(buf, c.id)
      else
        c.bufs[buf] = nil
      end
    end
  end, delay)
end

start_client = function(root)
  local cmd = M.config.cmd
  if vim.fn.executable(cmd[1]) ~= 1 then
    local why = vim.fn.filereadable(cmd[1]) == 1 and 'is not executable' or 'was not found'
    fail(string.format(
      'the server binary %q %s. Install it with `make install` from the ghostline repository '
        .. '(or put ghostline on PATH), or set require("ghostline").setup({ cmd = { "/path/to/ghostline", "serve" } }).',
      cmd[1],
      why
    ))
    return nil
  end
  failed_msg = nil
  local settings = next(M.config.settings) and json_object(M.config.settings) or nil
  local id
  local config = {
    name = 'ghostline',
    cmd = cmd,
    root_dir = root,
    init_options = settings,
    on_exit = function(code, signal)
      vim.schedule(function()
        on_exit(root, id, code, signal)
      end)
    end,
  }
  if util.v011 then -- start_client is deprecated there
    id = vim.lsp.start(config, { attach = false, reuse_client = function()
      return false
    end })
  else
    id = vim.lsp.start_client(config)
  end
  if clients[root] then
    clients[root].started = uv.now()
  end
  return id
end

local function eligible(buf)
  if not api.nvim_buf_is_valid(buf) or vim.bo[buf].buftype ~= '' or api.nvim_buf_get_name(buf) == '' then
    return false
  end
  return not vim.tbl_contains(M.config.exclude_filetypes, vim.bo[buf].filetype)
end

-- attach starts (or reuses) the server of buf's repository and attaches buf.
function M.attach(buf)
  buf = (buf == nil or buf == 0) and api.nvim_get_current_buf() or buf
  if failed_msg or not eligible(buf) then
    return
  end
  local root = find_root(buf)
  local c = clients[root]
  if not c then
    c = { bufs = {}, attempt = 0, started = uv.now() }
    clients[root] = c
    c.id = start_client(root)
    if not c.id then
      clients[root] = nil
      return
    end
  end
  c.bufs[buf] = true
  if c.id and not vim.lsp.buf_is_attached(buf, c.id) then
    vim.lsp.buf_attach_client(buf, c.id)
  end
end

-- client returns the running ghostline client attached to buf.
function M.client(buf)
  for _, c in pairs(clients) do
    if c.id and c.bufs[buf] then
      local client = vim.lsp.get_client_by_id(c.id)
      if client and not call(client, 'is_stopped') then
        return client
      end
    end
  end
end

-- ---------------------------------------------------------------- ghost text

local function clear_marks()
  if sug and api.nvim_buf_is_valid(sug.buf) then
    api.nvim_buf_clear_namespace(sug.buf, ns, 0, -1)
  end
end

-- dismiss hides the suggestion; reject tells the server the user rejected it.
local function dismiss(reject)
  local s = sug
  clear_marks()
  sug = nil
  if reject and s and s.id ~= nil then
    local client = vim.lsp.get_client_by_id(s.client_id)
    if client and not call(client, 'is_stopped') then
      call(client, 'notify', 'ghostline/didReject', { id = s.id })
    end
  end
end

local function render()
  local s = sug
  api.nvim_buf_clear_namespace(s.buf, ns, 0, -1)
  local ts = string.rep(' ', vim.bo[s.buf].tabstop)
  local lines = vim.split((s.text:gsub('\t', ts)), '\n', { plain = true })
  local first, over = util.display(lines[1], s.replaced)
  local opts = { virt_text = { { first, M.config.hl_group } }, hl_mode = 'combine' }
  if s.replaced ~= '' and (over or not has_inline) then
    -- Drawn over the closers it replaces (without inline virtual text,
    -- the whole line: the closers are part of it).
    opts.virt_text = { { lines[1], M.config.hl_group } }
    opts.virt_text_pos = 'overlay'
  elseif has_inline then
    opts.virt_text_pos = 'inline'
  elseif s.col >= #s.line then
    opts.virt_text_pos = 'overlay' -- at the end of the line it reads as inline
  else
    opts.virt_text_pos = 'eol'
  end
  if #lines > 1 then
    opts.virt_lines = {}
    for i = 2, #lines do
      table.insert(opts.virt_lines, { { lines[i], M.config.hl_group } })
    end
  end
  api.nvim_buf_set_extmark(s.buf, ns, s.row, s.col, opts)
  api.nvim_exec_autocmds('User', { pattern = 'GhostlineShown', modeline = false })
end

-- visible reports whether a suggestion is on screen in the current buffer.
function M.visible()
  return sug ~= nil and sug.buf == api.nvim_get_current_buf()
end

-- suggestion returns the text on screen and the server's id for it (for
-- tests and statuslines), or nil.
function M.suggestion()
  if sug then
    return sug.text, sug.id
  end
end

local function cursor()
  local pos = api.nvim_win_get_cursor(0)
  return pos[1] - 1, pos[2]
end

local function line_at(buf, row)
  return api.nvim_buf_get_lines(buf, row, row + 1, false)[1] or ''
end

local function writable(buf)
  return vim.bo[buf].modifiable and not vim.bo[buf].readonly
end

local function on_result(err, result, req)
  if pending and pending.id == req.id then
    pending = nil
  end
  if err then
    if err.code ~= CANCELLED then
      lsplog.warn('ghostline', METHOD, err)
    end
    return
  end
  local buf = api.nvim_get_current_buf()
  if buf ~= req.buf or api.nvim_buf_get_changedtick(buf) ~= req.tick or not api.nvim_get_mode().mode:match('^i') then
    return
  end
  local row, col = cursor()
  if row ~= req.row or col ~= req.col then
    return
  end
  local items = type(result) == 'table' and (result.items or result) or {}
  local item = items[1]
  if type(item) ~= 'table' then
    return
  end
  local line = line_at(buf, row)
  local text, replaced = util.ghost(item, line, row, col, req.enc)
  if not text then
    return
  end
  local args = item.command and item.command.arguments or {}
  local typed = #(type(item.insertText) == 'table' and item.insertText.value or item.insertText) - #text
  dismiss(false)
  sug = {
    buf = buf,
    row = row,
    col = col,
    line = line,
    tick = req.tick,
    text = text,
    replaced = replaced, -- the text after the cursor that accepting replaces
    full = item.insertText,
    consumed = typed,
    id = args[1],
    command = item.command,
    client_id = req.client.id,
    enc = req.enc,
  }
  render()
end

-- request asks the server for a suggestion at the cursor now.
function M.request(invoked)
  local buf = api.nvim_get_current_buf()
  if not M.config.enabled or not writable(buf) then
    return
  end
  local client = M.client(buf)
  if not client or not client.initialized then
    return
  end
  if pending then
    local p = pending
    pending = nil
    call(p.client, 'cancel_request', p.id)
  end
  local row, col = cursor()
  local enc = client.offset_encoding or 'utf-16'
  local req = { buf = buf, row = row, col = col, tick = api.nvim_buf_get_changedtick(buf), client = client, enc = enc }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = row, character = util.units(line_at(buf, row), col, enc) },
    context = { triggerKind = invoked and 1 or 2 },
  }
  local ok, id = call(client, 'request', METHOD, params, function(err, result)
    on_result(err, result, req)
  end, buf)
  if ok then
    req.id = id
    pending = { client = client, id = id }
  end
end

-- on_edit runs on every insert-mode change or cursor move and asks again:
-- the server answers typing that matches the suggestion from its cache at
-- once, waits for a pause in typing itself, and counts a superseded
-- suggestion as rejected.
local function on_edit()
  local buf = api.nvim_get_current_buf()
  if not M.config.enabled or not M.client(buf) then
    return
  end
  local row, col = cursor()
  local s = sug
  if s and s.buf == buf and s.row == row and s.col == col and s.tick == api.nvim_buf_get_changedtick(buf) then
    return -- nothing moved (the cursor event after our own change)
  end
  dismiss(false)
  M.request(false)
end

-- accept takes the whole suggestion ('all'), its next word or its next line.
-- It returns false when no suggestion is shown.
function M.accept(what)
  what = what or 'all'
  local s = sug
  if not s or s.buf ~= api.nvim_get_current_buf() then
    return false
  end
  local row, col = cursor()
  if row ~= s.row or col ~= s.col then
    dismiss(false)
    return false
  end
  local part = s.text
  if what == 'word' then
    part = util.next_word(s.text)
  elseif what == 'line' then
    part = util.next_line(s.text)
  end
  if s.text:sub(#part + 1) == s.replaced then
    part = s.text -- all that is left is what the buffer has
  end
  local lines = vim.split(part, '\n', { plain = true })
  local stop = col
  if #part >= #s.text and line_at(s.buf, row):sub(col + 1, col + #s.replaced) == s.replaced then
    stop = col + #s.replaced -- the item's range: the closers it replaces
  end
  api.nvim_buf_set_text(s.buf, row, col, row, stop, lines)
  local nrow = row + #lines - 1
  local ncol = #lines == 1 and col + #part or #lines[#lines]
  api.nvim_win_set_cursor(0, { nrow + 1, ncol })
  s.consumed = s.consumed + #part
  local client = vim.lsp.get_client_by_id(s.client_id)
  if #part >= #s.text then
    clear_marks()
    sug = nil
    if client and s.command then
      call(client, 'request', 'workspace/executeCommand', { command = s.command.command, arguments = s.command.arguments }, function() end, s.buf)
    end
    return true
  end
  s.text = s.text:sub(#part + 1)
  s.row, s.col, s.line, s.tick = nrow, ncol, line_at(s.buf, nrow), api.nvim_buf_get_changedtick(s.buf)
  render()
  if client and s.id ~= nil then
    local full = type(s.full) == 'table' and s.full.value or s.full
    call(client, 'notify', 'ghostline/didPartialAccept', { id = s.id, acceptedLength = util.length(full:sub(1, s.consumed), s.enc) })
  end
  return true
end

-- dismiss hides the suggestion and reports it rejected.
function M.dismiss()
  if not sug then
    return false
  end
  dismiss(true)
  return true
end

-- ---------------------------------------------------------------- keys, commands

local actions = {
  accept = 'all',
  accept_word = 'word',
  accept_line = 'line',
}

-- fallback returns what key would have done without ghostline: an earlier
-- insert-mode mapping of it, else the key itself.
local function fallback(key, old)
  if old and old.callback and old.expr == 1 then
    return old.callback()
  end
  if old and old.rhs and old.rhs ~= '' and old.expr ~= 1 and old.noremap == 1 then
    return old.rhs
  end
  return key
end

local function map_keys()
  for name, key in pairs(M.config.keys) do
    if key then
      local old = vim.fn.maparg(key, 'i', false, true)
      if type(old) ~= 'table' or next(old) == nil or (old.desc or ''):match('^ghostline') then
        old = nil
      end
      local rhs = name == 'dismiss' and '<Cmd>lua require("ghostline").dismiss()<CR>'
        or string.format('<Cmd>lua require("ghostline").accept(%q)<CR>', actions[name])
      vim.keymap.set('i', key, function()
        if M.visible() then
          return rhs
        end
        return fallback(key, old)
      end, { expr = true, silent = true, desc = 'ghostline ' .. name })
    end
  end
end

local function with_client(fn)
  local client = M.client(api.nvim_get_current_buf())
  if not client then
    for _, c in pairs(clients) do
      client = c.id and vim.lsp.get_client_by_id(c.id)
      if client then
        break
      end
    end
  end
  if not client then
    log(vim.log.levels.WARN, failed_msg or 'no server running for this buffer')
    return
  end
  fn(client)
end

-- status calls cb(line) with the server's status in one line.
function M.status(cb)
  cb = cb or function(line)
    vim.notify(line)
  end
  with_client(function(client)
    call(client, 'request', 'ghostline/status', vim.empty_dict(), function(err, res)
      cb(err and ('ghostline: ' .. (err.message or tostring(err))) or util.status_line(res, M.config.enabled), res)
    end)
  end)
end

-- explain calls cb(lines) with the server's account of its last decision.
function M.explain(cb)
  cb = cb or function(lines)
    vim.lsp.util.open_floating_preview(lines, 'text', { border = 'single' })
  end
  with_client(function(client)
    call(client, 'request', 'ghostline/explain', vim.empty_dict(), function(err, res)
      cb(err and { 'ghostline: ' .. (err.message or tostring(err)) } or (type(res) == 'table' and res.lines) or {}, res)
    end)
  end)
end

function M.toggle()
  M.config.enabled = not M.config.enabled
  if not M.config.enabled then
    M.dismiss()
  end
  vim.notify('ghostline ' .. (M.config.enabled and 'on' or 'off'))
end

-- stop shuts every server down (no restart).
function M.stop()
  dismiss(false)
  for _, c in pairs(clients) do
    c.stopping = true
    local client = c.id and vim.lsp.get_client_by_id(c.id)
    if client then
      call(client, 'stop')
    end
  end
end

local subcommands = {
  status = function()
    M.status()
  end,
  toggle = M.toggle,
  explain = function()
    M.explain()
  end,
  log = function()
    vim.cmd('tabnew ' .. vim.fn.fnameescape(vim.lsp.get_log_path()))
  end,
  restart = function()
    M.stop()
    vim.defer_fn(function()
      clients, failed_msg = {}, nil
      M.attach(0)
    end, 200)
  end,
}

function M.command(arg)
  local fn = subcommands[arg ~= '' and arg or 'status']
  if not fn then
    log(vim.log.levels.ERROR, 'unknown subcommand ' .. arg .. ' (status, toggle, log, explain, restart)')
    return
  end
  fn()
end

function M.setup(opts)
  M.config = util.merge(defaults, opts or {})
  api.nvim_set_hl(0, M.config.hl_group, { link = 'Comment', default = true })
  api.nvim_create_user_command('Ghostline', function(o)
    M.command(o.args)
  end, {
    nargs = '?',
    complete = function()
      return vim.tbl_keys(subcommands)
    end,
  })
  local group = api.nvim_create_augroup('ghostline', { clear = true })
  api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile', 'BufEnter', 'FileType' }, {
    group = group,
    callback = function(a)
      M.attach(a.buf)
    end,
  })
  api.nvim_create_autocmd({ 'TextChangedI', 'CursorMovedI' }, { group = group, callback = on_edit })
  api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave' }, {
    group = group,
    callback = function()
      M.dismiss()
    end,
  })
  api.nvim_create_autocmd('VimLeavePre', { group = group, callback = M.stop })
  map_keys()
  M.attach(0)
end

return M
