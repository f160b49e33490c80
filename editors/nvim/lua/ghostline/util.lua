-- Pure helpers of the ghostline plugin: no editor state, so they are unit
-- tested headless (test/unit.lua). Works on Neovim 0.7 and newer.
local M = {}

-- Neovim 0.11 changed the signatures of str_utfindex/str_byteindex (the old
-- ones warn) and made client functions methods.
local v011 = vim.fn.has('nvim-0.11') == 1
M.v011 = v011

-- units converts a byte column of line into units of the position encoding
-- ("utf-8", "utf-16" or "utf-32"), as LSP positions count them.
function M.units(line, bytecol, enc)
  bytecol = math.min(bytecol, #line)
  if enc == 'utf-8' then
    return bytecol
  end
  if v011 then
    return vim.str_utfindex(line, enc, bytecol, false)
  end
  local u32, u16 = vim.str_utfindex(line, bytecol)
  return enc == 'utf-32' and u32 or u16
end

-- bytecol converts units of the position encoding on line into a byte
-- column, clamped to the line.
function M.bytecol(line, units, enc)
  if enc == 'utf-8' then
    return math.min(units, #line)
  end
  local ok, b
  if v011 then
    ok, b = pcall(vim.str_byteindex, line, enc, units, false)
  else
    ok, b = pcall(vim.str_byteindex, line, units, enc ~= 'utf-32')
  end
  if ok then
    return b
  end
  return #line
end

-- length is the length of text in units of the position encoding.
function M.length(text, enc)
  if enc == 'utf-8' then
    return #text
  end
  local total = 0
  for _, l in ipairs(vim.split(text, '\n', { plain = true })) do
    total = total + M.units(l, #l, enc) + 1
  end
  return total - 1
end

-- ghost returns the text to show after the cursor for a completion item,
-- and the text after the cursor that accepting it replaces (the closers an
-- editor auto-inserted, "" for none), or nil when the item does not fit the
-- cursor. line is the cursor's line, col the cursor's byte column
-- (0-based), row its 0-based line. An item whose range starts before the
-- cursor must start with the text between the two; one whose range ends
-- after the cursor replaces the text up to there.
function M.ghost(item, line, row, col, enc)
  local text = item.insertText
  if type(text) == 'table' then -- StringValue (snippet): shown as its text
    text = text.value
  end
  if type(text) ~= 'string' or text == '' then
    return nil
  end
  local replaced = ''
  local r = item.range
  if r then
    if r.start.line ~= row or r['end'].line ~= row then
      return nil
    end
    local start = M.bytecol(line, r.start.character, enc)
    local stop = M.bytecol(line, r['end'].character, enc)
    if start > col or stop < col then
      return nil
    end
    local typed = line:sub(start + 1, col)
    if text:sub(1, #typed) ~= typed then
      return nil
    end
    text = text:sub(#typed + 1)
    replaced = line:sub(col + 1, stop)
  end
  if text == '' or text == replaced then
    return nil
  end
  return text, replaced
end

-- display is what to draw of the first line of ghost text that replaces
-- replaced (the text after the cursor): the part before replaced when the
-- line ends with it (the buffer shows replaced already), else the whole
-- line drawn over the buffer's text (overlay true).
function M.display(first, replaced)
  if replaced == '' then
    return first, false
  end
  if #first >= #replaced and first:sub(-#replaced) == replaced then
    return first:sub(1, #first - #replaced), false
  end
  return first, true
end

-- next_word is the start of text that "accept word" takes: an optional line
-- break, the indentation or spaces after it, then one word (letters, digits,
-- _ and any non-ASCII) or one run of punctuation.
function M.next_word(text)
  local lead = text:match('^\n?[ \t]*') or ''
  local rest = text:sub(#lead + 1)
  local word = rest:match('^[%w_\128-\255]+') or rest:match('^[^%w_%s\128-\255]+') or ''
  if lead == '' and word == '' then
    return text:sub(1, 1)
  end
  return lead .. word
end

-- next_line is the start of text that "accept line" takes: up to the end of
-- the current line, or, when text starts with a line break, that break and
-- the whole next line.
function M.next_line(text)
  if text:sub(1, 1) == '\n' then
    local l = text:match('^\n[^\n]*')
    return l
  end
  return text:match('^[^\n]*')
end

-- backoff is the wait in milliseconds before restart attempt n (1-based).
function M.backoff(n, base, cap)
  base = base or 500
  cap = cap or 30000
  return math.min(cap, base * 2 ^ (math.max(n, 1) - 1))
end

-- merge deep-merges tables (later wins); lists are replaced, not merged.
function M.merge(...)
  local out = {}
  for i = 1, select('#', ...) do
    local t = select(i, ...)
    for k, v in pairs(t or {}) do
      if type(v) == 'table' and type(out[k]) == 'table' and not (vim.islist or vim.tbl_islist)(v) then
        out[k] = M.merge(out[k], v)
      else
        out[k] = v
      end
    end
  end
  return out
end

-- status_line is a ghostline/status answer in one line: the server words
-- the status (lines); the on/off switch is this plugin's.
function M.status_line(s, enabled)
  if type(s) ~= 'table' then
    return 'ghostline: not running'
  end
  local parts = { 'ghostline ' .. (enabled and 'on' or 'off') }
  for _, l in ipairs(type(s.lines) == 'table' and s.lines or {}) do
    table.insert(parts, l)
  end
  return table.concat(parts, ' | ')
end

return M
