-- End-to-end test of the Neovim plugin against the real `ghostline serve`.
-- Run through scripts/e2e-nvim.sh, which builds the binary, prepares a
-- repository and XDG dirs in a temp dir and checks the telemetry afterwards:
--
--   GHOSTLINE_BIN=... GHOSTLINE_E2E_REPO=... timeout 180 \
--     nvim --headless -u NONE -i NONE -c 'luafile editors/nvim/test/e2e.lua'
--
-- Keystrokes sent with nvim_input are only processed once this file has
-- returned to the main loop, so the test is a list of steps driven by a
-- timer; each step may return a condition to wait for. Results go to
-- stdout (print() goes to stderr headless): "ok NAME", "FAIL NAME: why",
-- "ACCEPTED id" lines for the telemetry check, "LATENCY ..." figures.
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
vim.opt.rtp:prepend(vim.fn.fnamemodify(here, ':h'))

local api = vim.api
local uv = vim.uv or vim.loop
local BIN = assert(os.getenv('GHOSTLINE_BIN'), 'GHOSTLINE_BIN not set')
local REPO = assert(os.getenv('GHOSTLINE_E2E_REPO'), 'GHOSTLINE_E2E_REPO not set')
local TRIGGERS = tonumber(os.getenv('GHOSTLINE_E2E_TRIGGERS') or '50')
local SETTINGS = vim.json and vim.json.decode(os.getenv('GHOSTLINE_E2E_SETTINGS') or '{}')
  or vim.fn.json_decode(os.getenv('GHOSTLINE_E2E_SETTINGS') or '{}')

vim.o.hidden = true

local function out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

local failures = 0
local notes = {} -- vim.notify calls, to check "one clear message, no loop"
vim.notify = function(msg, level)
  table.insert(notes, { msg = msg, level = level })
  io.stderr:write('notify: ' .. tostring(msg) .. '\n')
end

local gl -- require('ghostline'), loaded by setup()
local shown_at -- hrtime of the last GhostlineShown event
api.nvim_create_autocmd('User', {
  pattern = 'GhostlineShown',
  callback = function()
    shown_at = uv.hrtime()
  end,
})

local function setup(opts)
  package.loaded['ghostline'] = nil
  package.loaded['ghostline.util'] = nil
  gl = require('ghostline')
  gl.setup(vim.tbl_deep_extend('force', { cmd = { BIN, 'serve' }, settings = SETTINGS }, opts or {}))
end

local function line(row)
  return api.nvim_buf_get_lines(0, row, row + 1, false)[1]
end

local function cur_line()
  return api.nvim_get_current_line()
end

local function marks()
  local ns = api.nvim_get_namespaces()['ghostline']
  return api.nvim_buf_get_extmarks(0, ns, 0, -1, { details = true })
end

-- ghost_shown: the plugin holds a suggestion and drew it as an extmark.
local function ghost_shown()
  return gl.visible() and #marks() > 0
end

local function client()
  return gl.client(api.nvim_get_current_buf())
end

local function ready()
  local c = client()
  return c and c.initialized
end

local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
end

-- Steps: {name, fn, timeout_ms}. fn returns nil (done) or a condition
-- function polled until true; its optional second result is run then.
local steps = {}
local function step(name, fn, timeout)
  table.insert(steps, { name = name, fn = fn, timeout = timeout or 10000 })
end

-- input types keys; the time is taken just before, for latency figures.
local typed_at
local function input(keys)
  typed_at = uv.hrtime()
  api.nvim_input(keys)
end

local function check(cond, name, why)
  if cond then
    return true
  end
  failures = failures + 1
  out('FAIL ' .. name .. ': ' .. (why or ''))
  return false
end

-- insert_at opens a fresh line after row (1-based) in insert mode.
local function fresh_line_after(row)
  api.nvim_win_set_cursor(0, { row, 0 })
  input('<Esc>o')
end

local accepted = {}
local ghost_text, before_line

-- ------------------------------------------------------------------ steps

step('server starts for a file of the repository', function()
  setup()
  open(REPO .. '/store.go')
  return ready
end, 20000)

step('typing shows ghost text as an extmark', function()
  -- After "return item, nil" in Get: a new line in the function body.
  fresh_line_after(44)
  return function()
    return api.nvim_get_mode().mode == 'i'
  end, function()
    input('if item')
  end
end)

step('wait for ghost text', function()
  return ghost_shown
end, 15000)

step('Tab accepts: the buffer has the suggestion, the server is told', function()
  ghost_text = gl.suggestion()
  before_line = cur_line()
  local mk = marks()[1]
  local vt = mk[4].virt_text and mk[4].virt_text[1][1] or ''
  check(vim.startswith(ghost_text:gsub('\t', string.rep(' ', vim.bo.tabstop)), vt), 'extmark text', vim.inspect({ vt, ghost_text }))
  out('GHOST ' .. vim.inspect(ghost_text))
  table.insert(accepted, tostring(select(2, gl.suggestion())))
  input('<Tab>')
  return function()
    return not gl.visible()
  end
end)

step('buffer text after accept', function()
  local lines = vim.split(ghost_text, '\n', { plain = true })
  local row = api.nvim_win_get_cursor(0)[1] - 1
  local first = row - (#lines - 1)
  check(line(first) == before_line .. lines[1], 'accepted first line', vim.inspect({ line(first), before_line, lines[1] }))
  for i = 2, #lines do
    check(line(first + i - 1) == lines[i], 'accepted line ' .. i, vim.inspect({ line(first + i - 1), lines[i] }))
  end
  check(#marks() == 0, 'ghost text cleared after accept')
  out('ACCEPTED ' .. accepted[#accepted])
end)

step(':Ghostline status and explain answer from the server', function()
  local status, explain
  gl.status(function(l, res)
    status = { l, res }
  end)
  gl.explain(function(lines, res)
    explain = { lines, res }
  end)
  return function()
    return status and explain
  end, function()
    out('STATUS ' .. status[1])
    out('EXPLAIN ' .. table.concat(explain[1], ' / '))
    check(status[1]:match('model: built%-in') and status[1]:match('shown [1-9]'), 'status line', status[1])
    check(type(explain[2]) == 'table' and (explain[2].outcome or '') ~= '', 'explain has an outcome', vim.inspect(explain[2]))
  end
end)

step(':checkhealth ghostline', function()
  input('<Esc>')
  vim.cmd('checkhealth ghostline')
  local text = table.concat(api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  check(text:match('OK.-server ') and not text:match('ERROR'), 'checkhealth reports the server', text)
  vim.cmd('tabclose')
end)

step('accept word reports a partial accept', function()
  input('<Esc>oname, err := s.Get(')
  return ghost_shown, function()
    local before = cur_line()
    local g = gl.suggestion()
    local word = require('ghostline.util').next_word(g)
    out('PARTIAL ' .. tostring(select(2, gl.suggestion())))
    gl.accept('word')
    check(cur_line() == before .. word:match('^[^\n]*'), 'accept word', vim.inspect({ cur_line(), before, word }))
  end
end, 15000)

step('dismiss reports a rejection', function()
  input('<Esc>ofor _, item := range ')
  return ghost_shown, function()
    out('REJECTED ' .. tostring(select(2, gl.suggestion())))
    -- Read it first: one dismissed within telemetry.unseenMs counts as unseen.
    vim.wait(400)
    input('<C-]>')
  end
end, 15000)

step('dismissed ghost text is gone', function()
  return function()
    return not gl.visible() and #marks() == 0
  end
end)

step('Tab without a suggestion inserts a tab', function()
  gl.config.enabled = false
  input('<Esc>o<Tab>x')
  return function()
    return cur_line():match('\tx$') ~= nil
  end, function()
    gl.config.enabled = true
  end
end)

step('multi-byte text before the cursor', function()
  input('<Esc>olabel := "héllo wörld 😀 ✓" + item.')
  local asked = false
  return function()
    -- Asked for by hand once typed: this step is about positions, and the
    -- predictor may hide an automatic suggestion (a manual one never is).
    if not asked and cur_line():sub(-5) == 'item.' then
      asked = true
      gl.request(true)
    end
    return ghost_shown()
  end, function()
    local before = cur_line()
    local g = gl.suggestion()
    input('<Tab>')
    ghost_text, before_line = g, before
  end
end, 15000)

step('multi-byte accept lands after the cursor', function()
  return function()
    return not gl.visible()
  end, function()
    local first = vim.split(ghost_text, '\n', { plain = true })[1]
    local row = api.nvim_win_get_cursor(0)[1] - 1
    local lines = vim.split(ghost_text, '\n', { plain = true })
    check(line(row - #lines + 1) == before_line .. first, 'multi-byte accept', vim.inspect({ line(row - #lines + 1), before_line .. first }))
  end
end)

step('very long line (20,000 characters)', function()
  local long = 'x := "' .. string.rep('abcdefghij', 2000) .. '"'
  api.nvim_buf_set_lines(0, -1, -1, false, { long })
  api.nvim_win_set_cursor(0, { api.nvim_buf_line_count(0), #long })
  input('<Esc>A + item.')
  return function()
    return api.nvim_get_mode().mode == 'i' and cur_line():sub(-8) == ' + item.'
  end, function()
    check(vim.v.errmsg == '', 'no error on a long line', vim.v.errmsg)
  end
end)

-- Latency: 50 triggers, each a fresh line and a few keystrokes at a typing
-- pace, then the time from the last keystroke to the GhostlineShown event.
local lat = {}
local misses = 0
local prefixes = { 'if err', 'return ', 'item, err := s.', 'for _, name := range ', 'total += ', 'if item.' }
for i = 1, TRIGGERS do
  step('trigger ' .. i, function()
    -- The line the last trigger typed goes again (dd, back up with k), so
    -- every trigger sees the same file rather than one filling up with
    -- half-typed lines.
    input(i > 1 and '<Esc>ddko' or '<Esc>o')
    local text = prefixes[(i - 1) % #prefixes + 1]
    local keys = {}
    for ch in text:gmatch('.') do
      table.insert(keys, ch == '<' and '<lt>' or ch)
    end
    local k = 0
    local next_key
    next_key = function()
      k = k + 1
      if k <= #keys then
        input(keys[k])
        vim.defer_fn(next_key, 30) -- ~30 ms between keystrokes
      end
    end
    vim.defer_fn(next_key, 30)
    shown_at = nil
    local deadline = uv.now() + 3000
    return function()
      if k > #keys and shown_at and shown_at > typed_at then
        table.insert(lat, (shown_at - typed_at) / 1e6)
        return true
      end
      if k > #keys and uv.now() > deadline then
        misses = misses + 1
        return true
      end
      return false
    end
  end, 10000)
end

step('latency figures', function()
  table.sort(lat)
  local function pct(p)
    if #lat == 0 then
      return -1
    end
    return lat[math.max(1, math.ceil(p * #lat))]
  end
  out(string.format('LATENCY nvim keystroke-to-ghost-text: n=%d median=%.1fms p95=%.1fms max=%.1fms misses=%d',
    #lat, pct(0.5), pct(0.95), pct(1), misses))
  check(#lat >= math.floor(TRIGGERS * 0.9), 'ghost text for at least 90% of triggers', #lat .. '/' .. TRIGGERS)
end)

step('read-only buffer: no suggestion, no error', function()
  input('<Esc>')
  vim.cmd('view ' .. vim.fn.fnameescape(REPO .. '/report.go'))
  vim.v.errmsg = ''
  api.nvim_win_set_cursor(0, { 9, 0 })
  input('oif err')
  return function()
    return cur_line() == 'if err'
  end, function()
    vim.defer_fn(function() end, 0)
  end
end)

step('read-only buffer stays without ghost text', function()
  local t = uv.now()
  return function()
    return uv.now() - t > 800
  end, function()
    check(not gl.visible() and #marks() == 0, 'no ghost text in a read-only buffer')
    input('<Esc>')
    vim.cmd('edit!')
  end
end)

step('buffer with no name: nothing attached, typing works', function()
  vim.cmd('enew')
  vim.v.errmsg = ''
  input('ifoo := bar')
  return function()
    return cur_line() == 'foo := bar'
  end, function()
    check(gl.client(api.nvim_get_current_buf()) == nil, 'no client for an unnamed buffer')
    check(vim.v.errmsg == '', 'no error in an unnamed buffer', vim.v.errmsg)
    input('<Esc>')
  end
end)

local big = REPO .. '/big_test_data.go'
step('10 MB file: opens, typing stays responsive', function()
  local chunk = {}
  for i = 1, 1000 do
    chunk[i] = string.format('var v%06d = "%s"', i, string.rep('x', 90))
  end
  local f = assert(io.open(big, 'w'))
  local block = table.concat(chunk, '\n') .. '\n'
  local n = 0
  while n < 10 * 1024 * 1024 do
    f:write(block)
    n = n + #block
  end
  f:close()
  local t = uv.hrtime()
  vim.cmd('edit ' .. vim.fn.fnameescape(big))
  out(string.format('BIG opened %d bytes in %.0f ms', n, (uv.hrtime() - t) / 1e6))
  vim.v.errmsg = ''
  api.nvim_win_set_cursor(0, { 1, 0 })
  t = uv.hrtime()
  input('Ovar y = 1')
  return function()
    return cur_line() == 'var y = 1'
  end, function()
    out(string.format('BIG typed in %.0f ms', (uv.hrtime() - t) / 1e6))
    check(vim.v.errmsg == '', 'no error in a 10 MB file', vim.v.errmsg)
    input('<Esc>')
  end
end, 30000)

step('back to store.go', function()
  vim.cmd('bwipeout! ' .. vim.fn.fnameescape(big))
  os.remove(big)
  open(REPO .. '/store.go')
  return ready
end)

local old_pid
step('server killed mid-session is restarted', function()
  local c = client()
  old_pid = c.rpc and c.rpc.pid
  if not check(old_pid, 'server pid known') then
    return
  end
  uv.kill(old_pid, 'sigkill')
  return function()
    local n = client()
    return n and n.initialized and n.rpc.pid ~= old_pid
  end
end, 20000)

step('suggestions resume after the restart', function()
  fresh_line_after(44)
  return function()
    return api.nvim_get_mode().mode == 'i'
  end, function()
    input('if item')
  end
end)

step('ghost text after restart', function()
  return ghost_shown, function()
    input('<Esc>')
  end
end, 15000)

step('missing binary: one clear message, no retry loop', function()
  vim.cmd('silent! %bwipeout!')
  gl.stop()
  notes = {}
  setup({ cmd = { REPO .. '/no-such-ghostline', 'serve' } })
  open(REPO .. '/report.go')
  input('Goif err')
  local t = uv.now()
  return function()
    return uv.now() - t > 1500
  end, function()
    local errors = 0
    for _, n in ipairs(notes) do
      if n.level == vim.log.levels.ERROR then
        errors = errors + 1
      end
    end
    check(errors == 1, 'exactly one error message', vim.inspect(notes))
    check(notes[1] and notes[1].msg:match('not found') and notes[1].msg:match('make install'), 'message says what and how to fix', vim.inspect(notes[1]))
    input('<Esc>')
  end
end)

-- An item whose range replaces the ")" the editor auto-inserted: the model
-- (a fake Ollama answering "\"hello\")") retypes it, and accepting must
-- leave one ")", not two.
local OLLAMA = os.getenv('GHOSTLINE_E2E_OLLAMA')
local range_id
if OLLAMA then
  step('range: a server whose model retypes the closer', function()
    setup({ settings = { model = { provider = 'ollama', endpoint = OLLAMA, timeoutMs = 5000 },
      completion = { debounceMs = 0 }, ranker = { enabled = false } } })
    vim.cmd('edit! ' .. vim.fn.fnameescape(REPO .. '/report.go')) -- the buffer before has edits
    return ready
  end, 20000)

  step('range: ghost text before the auto-closed paren', function()
    fresh_line_after(1)
    return function()
      return api.nvim_get_mode().mode == 'i'
    end, function()
      input('x := fmt.Sprint()<Left>')
    end
  end)

  step('range: the suggestion replaces the paren', function()
    return function()
      local text = gl.suggestion()
      return ghost_shown() and text == '"hello")' and api.nvim_win_get_cursor(0)[2] == 16
    end, function()
      local mk = marks()[1]
      check(mk[4].virt_text and mk[4].virt_text[1][1] ~= nil, 'range: extmark drawn', vim.inspect(mk))
      range_id = tostring(select(2, gl.suggestion()))
      input('<Tab>')
    end
  end, 15000)

  step('range: one closing paren after accept', function()
    -- Waits for the accepted line, not for the ghost text to go: the fake
    -- model answers the same at the new cursor too, so a next suggestion
    -- may already show there.
    return function()
      return cur_line() ~= 'x := fmt.Sprint()'
    end, function()
      check(cur_line() == 'x := fmt.Sprint("hello")', 'range: accepted line', vim.inspect(cur_line()))
      check(api.nvim_win_get_cursor(0)[2] == #'x := fmt.Sprint("hello")', 'range: cursor after the text',
        vim.inspect(api.nvim_win_get_cursor(0)))
      out('ACCEPTED ' .. range_id)
    end
  end)
end

-- ------------------------------------------------------------------ runner

local i, cond, after, deadline = 0, nil, nil, 0
local poll = uv.new_timer()

local function finish()
  poll:stop()
  out(string.format('e2e-nvim: %d steps, %d failed', #steps, failures))
  pcall(function()
    gl.stop()
  end)
  vim.defer_fn(function()
    vim.cmd(failures == 0 and 'qall!' or 'cquit 1')
  end, 300)
end

local function tick()
  local ok, err = pcall(function()
    if cond then
      if cond() then
        cond = nil
        if after then
          local a = after
          after = nil
          a()
        end
        out('ok ' .. steps[i].name)
      elseif uv.now() > deadline then
        check(false, steps[i].name, 'timed out')
        cond, after = nil, nil
        finish()
        return
      else
        return
      end
    end
    i = i + 1
    if i > #steps then
      finish()
      return
    end
    local s = steps[i]
    local c, a = s.fn()
    if c then
      cond, after, deadline = c, a, uv.now() + s.timeout
    else
      out('ok ' .. s.name)
      cond = nil
    end
  end)
  if not ok then
    failures = failures + 1
    out('FAIL ' .. (steps[i] and steps[i].name or '?') .. ': ' .. tostring(err))
    finish()
  end
end

-- Steps run from a timer, never from this file.
poll:start(10, 5, vim.schedule_wrap(function()
  if i <= #steps then
    tick()
  end
end))
