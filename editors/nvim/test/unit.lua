-- Unit tests of lua/ghostline/util.lua. Run (from editors/nvim):
--   timeout 60 nvim --headless -u NONE -c 'luafile test/unit.lua'
vim.opt.rtp:prepend(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h'))
local util = require('ghostline.util')

local failures, count = 0, 0
local function eq(got, want, name)
  count = count + 1
  if not vim.deep_equal(got, want) then
    failures = failures + 1
    io.stdout:write(string.format('FAIL %s\n  got:  %s\n  want: %s\n', name, vim.inspect(got), vim.inspect(want)))
  end
end

local ok, err = pcall(function()
  -- units/bytecol: "é" is 2 bytes, 1 UTF-16 unit; "😀" is 4 bytes, 2 units, 1 code point.
  local line = 'aé😀b'
  for _, c in ipairs({
    { 0, 0, 0, 0 }, { 1, 1, 1, 1 }, { 3, 2, 2, 3 }, { 7, 4, 3, 7 }, { 8, 5, 4, 8 },
  }) do
    eq(util.units(line, c[1], 'utf-16'), c[2], 'units utf-16 @' .. c[1])
    eq(util.units(line, c[1], 'utf-32'), c[3], 'units utf-32 @' .. c[1])
    eq(util.units(line, c[1], 'utf-8'), c[4], 'units utf-8 @' .. c[1])
    eq(util.bytecol(line, c[2], 'utf-16'), c[1], 'bytecol utf-16 ' .. c[2])
    eq(util.bytecol(line, c[3], 'utf-32'), c[1], 'bytecol utf-32 ' .. c[3])
  end
  eq(util.units(line, 99, 'utf-16'), 5, 'units clamps')
  eq(util.bytecol(line, 99, 'utf-16'), #line, 'bytecol clamps')
  eq(util.length('é😀\nab', 'utf-16'), 6, 'length utf-16 with a line break')
  eq(util.length('é😀\nab', 'utf-8'), 9, 'length utf-8')

  -- ghost
  local function item(text, sl, sc, el, ec)
    return { insertText = text, range = { start = { line = sl, character = sc }, ['end'] = { line = el, character = ec } } }
  end
  eq(util.ghost(item('foo()', 2, 4, 2, 4), '    ', 2, 4, 'utf-16'), 'foo()', 'ghost: empty range at cursor')
  eq(util.ghost(item('return x', 0, 2, 0, 4), '  re', 0, 4, 'utf-16'), 'turn x', 'ghost: range starts at the typed prefix')
  eq(util.ghost(item('xyz', 0, 2, 0, 4), '  re', 0, 4, 'utf-16'), nil, 'ghost: prefix mismatch')
  eq(util.ghost(item('a', 1, 0, 1, 0), '', 0, 0, 'utf-16'), nil, 'ghost: other line')
  eq(util.ghost(item('é!', 0, 1, 0, 1), 'é', 0, 2, 'utf-16'), 'é!', 'ghost: position after a multi-byte char')
  eq(util.ghost({ insertText = 'abc' }, 'x', 0, 1, 'utf-16'), 'abc', 'ghost: no range')
  eq(util.ghost({ insertText = '' }, 'x', 0, 1, 'utf-16'), nil, 'ghost: empty text')
  eq(util.ghost({ insertText = { kind = 'snippet', value = 's' } }, '', 0, 0, 'utf-16'), 's', 'ghost: StringValue')
  -- a range that ends after the cursor replaces the closers there
  eq({ util.ghost(item('x)', 0, 6, 0, 7), 'print()', 0, 6, 'utf-16') }, { 'x)', ')' }, 'ghost: replaces an auto-closed paren')
  eq({ util.ghost(item('"é");', 0, 6, 0, 9), 'print(é);', 0, 6, 'utf-16') }, { '"é");', 'é);' }, 'ghost: replaced text after a multi-byte char')
  eq({ util.ghost(item('a', 0, 2, 0, 2), 'xy', 0, 2, 'utf-16') }, { 'a', '' }, 'ghost: empty range replaces nothing')
  eq(util.ghost(item(')', 0, 6, 0, 7), 'print()', 0, 6, 'utf-16'), nil, 'ghost: retyping only the closers is nothing')
  eq(util.ghost(item('x)', 0, 6, 0, 7), 'print()', 0, 7, 'utf-16'), nil, 'ghost: range ends before the cursor')
  eq({ util.display('x)', ')') }, { 'x', false }, 'display: the buffer shows the closer')
  eq({ util.display('"a");', ')') }, { '"a");', true }, 'display: drawn over the closer')
  eq({ util.display('abc', '') }, { 'abc', false }, 'display: nothing replaced')

  -- accept word / line
  for _, c in ipairs({
    { 'foo(bar)', 'foo' }, { '(bar)', '(' }, { ' = 1', ' =' }, { '  x', '  x' }, { '\n\treturn 1', '\n\treturn' },
    { 'héllo wörld', 'héllo' }, { '\n', '\n' }, { '', '' },
  }) do
    eq(util.next_word(c[1]), c[2], 'next_word ' .. vim.inspect(c[1]))
  end
  for _, c in ipairs({ { 'a b\nc', 'a b' }, { '\n  c\nd', '\n  c' }, { 'x', 'x' } }) do
    eq(util.next_line(c[1]), c[2], 'next_line ' .. vim.inspect(c[1]))
  end

  eq({ util.backoff(1), util.backoff(2), util.backoff(3), util.backoff(20) }, { 500, 1000, 2000, 30000 }, 'backoff')
  eq(util.merge({ a = { b = 1, c = 2 }, l = { 1, 2 } }, { a = { b = 3 }, l = { 9 } }), { a = { b = 3, c = 2 }, l = { 9 } }, 'merge')

  -- the server words the status; the plugin adds its own switch
  eq(util.status_line({ summary = 'built-in', lines = { 'model: built-in', 'shown 3, hidden by the predictor 1' } }, true),
    'ghostline on | model: built-in | shown 3, hidden by the predictor 1', 'status_line')
  eq(util.status_line({ lines = { 'model: m' } }, false), 'ghostline off | model: m', 'status_line off')
  eq(util.status_line(vim.NIL, true), 'ghostline: not running', 'status_line without a server')
end)
if not ok then
  io.stdout:write('ERROR ' .. tostring(err) .. '\n')
  failures = failures + 1
end
io.stdout:write(string.format('unit: %d checks, %d failed\n', count, failures))
vim.cmd(failures == 0 and 'qall!' or 'cquit 1')
