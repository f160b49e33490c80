// End-to-end test of the extension in code-server, driven through Chromium
// by puppeteer-core. Run by scripts/e2e-vscode.sh, which starts code-server
// with the .vsix installed and passes:
//   GHOSTLINE_E2E_URL        the workbench URL with ?folder=<repository>
//   GHOSTLINE_BIN            the server binary (its process is killed once)
//   GHOSTLINE_E2E_PUPPETEER  the puppeteer-core package folder
//   GHOSTLINE_E2E_SHOTS      where screenshots go
//   GHOSTLINE_E2E_TRIGGERS   latency triggers (default 50)
//   GHOSTLINE_E2E_SETTINGS   the user settings.json (rewritten for the range step)
//   GHOSTLINE_E2E_OLLAMA     a model server that answers '"hello")' (fakeollama)
// Prints "ok ..." lines and a LATENCY line; exits non-zero on failure (with a screenshot).
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const puppeteer = require(process.env.GHOSTLINE_E2E_PUPPETEER);

const URL = process.env.GHOSTLINE_E2E_URL;
const BIN = process.env.GHOSTLINE_BIN;
const SHOTS = process.env.GHOSTLINE_E2E_SHOTS || '.';
const TRIGGERS = Number(process.env.GHOSTLINE_E2E_TRIGGERS || 50);
const SETTINGS = process.env.GHOSTLINE_E2E_SETTINGS;
const OLLAMA = process.env.GHOSTLINE_E2E_OLLAMA;
const RANGE_MODEL = 'qwen2.5-coder:1.5b-base'; // shown in the status bar once the settings apply
const EDITOR = '.editor-instance'; // not the chat pane's editor

function ok(msg) {
  process.stdout.write(`ok ${msg}\n`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Ghost text is drawn as .ghost-text-decoration spans in the cursor's line
// and, for the lines after it, .ghost-text spans in a view zone.
const GHOST = '.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text';

// ghostText returns the suggestion on screen, lines joined with '\n', or ''.
async function ghostText(page) {
  return page.evaluate(
    (sel, ghost) => {
      const lines = new Map();
      for (const el of document.querySelectorAll(`${sel} :is(${ghost})`)) {
        if (el.parentElement.closest(ghost)) {
          continue; // counted with its ancestor
        }
        const line = el.closest('.view-line') || el.parentElement;
        lines.set(line, (lines.get(line) || '') + el.textContent);
      }
      if (lines.size === 0) {
        return '';
      }
      const rows = Array.from(lines, ([el, text]) => ({ top: el.getBoundingClientRect().top, text }));
      rows.sort((a, b) => a.top - b.top);
      // A suggestion that starts with a line break has nothing in the
      // cursor's line: its text starts on the next one.
      const cur = document.querySelector(`${sel} .cursors-layer .cursor`);
      if (cur && Math.abs(rows[0].top - cur.getBoundingClientRect().top) > 2) {
        rows.unshift({ top: 0, text: '' });
      }
      return rows.map((r) => r.text).join('\n').replace(/\u00a0/g, ' ');
    },
    EDITOR,
    GHOST,
  );
}

// cursorTop returns the cursor's vertical position in the editor.
async function cursorTop(page) {
  return page.evaluate((sel) => parseFloat(document.querySelector(`${sel} .cursors-layer .cursor`).style.top), EDITOR);
}

// linesFrom returns n rendered lines from the one at top, without ghost text.
async function linesFrom(page, top, n) {
  return page.evaluate(
    (sel, ghost, top, n) => {
      const rows = [];
      for (const l of document.querySelectorAll(`${sel} .monaco-editor .view-lines .view-line`)) {
        const clone = l.cloneNode(true);
        clone.querySelectorAll(ghost).forEach((g) => g.remove());
        rows.push({ top: parseFloat(l.style.top), text: clone.textContent.replace(/\u00a0/g, ' ') });
      }
      rows.sort((a, b) => a.top - b.top);
      return rows.filter((r) => r.top >= top - 1).slice(0, n).map((r) => r.text);
    },
    EDITOR,
    GHOST,
    top,
    n,
  );
}

// cursorLine returns the text of the line with the cursor.
async function cursorLine(page) {
  const lines = await linesFrom(page, await cursorTop(page), 1);
  return lines.length > 0 ? lines[0] : null;
}

async function waitFor(page, fn, what, timeout = 15000) {
  const t = Date.now();
  for (;;) {
    const v = await fn();
    if (v) {
      return v;
    }
    if (Date.now() - t > timeout) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(20);
  }
}

// stableGhost waits for ghost text that stays the same for 300 ms: VS Code
// draws a multi-line suggestion in parts (the first line inline, the rest
// as view zones), and a read in between sees only some of it.
async function stableGhost(page, what) {
  let last = '';
  let since = Date.now();
  return waitFor(page, async () => {
    const g = await ghostText(page);
    if (g !== last) {
      last = g;
      since = Date.now();
      return '';
    }
    return g && Date.now() - since >= 300 ? g : '';
  }, what);
}

async function openFile(page, name) {
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyP');
  await page.keyboard.up('Control');
  await page.waitForSelector('.quick-input-widget input', { visible: true });
  await page.keyboard.type(name);
  await page.waitForFunction(
    (n) => Array.from(document.querySelectorAll('.quick-input-list .monaco-list-row')).some((r) => r.textContent.includes(n)),
    { timeout: 15000 },
    name,
  );
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (n) => Array.from(document.querySelectorAll('.tab.active')).some((t) => t.textContent.includes(n)),
    { timeout: 15000 },
    name,
  );
  await page.waitForSelector(`${EDITOR} .monaco-editor .view-lines`, { visible: true });
}

async function gotoLine(page, n) {
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyG');
  await page.keyboard.up('Control');
  await page.waitForSelector('.quick-input-widget input', { visible: true });
  await page.keyboard.type(String(n));
  await page.keyboard.press('Enter');
  await sleep(100);
}

// newLine goes to the end of the cursor's line and opens a line after it.
async function newLine(page) {
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--window-size=1400,900'],
    defaultViewport: { width: 1400, height: 900 },
  });
  const page = await browser.newPage();
  try {
    await run(page);
  } catch (err) {
    await page.screenshot({ path: path.join(SHOTS, 'vscode-failure.png') }).catch(() => undefined);
    const ghosts = await page
      .evaluate(() => Array.from(document.querySelectorAll('[class*="ghost"]'), (e) => `${e.className}: ${JSON.stringify(e.textContent)}`))
      .catch(() => []);
    process.stdout.write(`ghost-text elements: ${JSON.stringify(ghosts, null, 1)}\n`);
    process.stdout.write(`FAIL ${err.stack || err}\n(screenshot ${path.join(SHOTS, 'vscode-failure.png')})\n`);
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

async function run(page) {
  await page.goto(URL, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  ok('workbench loaded');
  // Activated and the server answered ghostline/status: the status bar
  // shows the model ("built-in"). Typing earlier would go unanswered.
  await waitFor(
    page,
    () => page.evaluate(() => Array.from(document.querySelectorAll('.statusbar-item')).some((e) => e.textContent.includes('built-in'))),
    'the ghostline status bar item (extension activated, server running)',
    60000,
  );
  ok('extension active, status bar shows the built-in model');

  await openFile(page, 'store.go');
  ok('opened store.go');
  // The editor's inline-suggestion controller attaches after the editor is
  // shown; keys typed before it are never offered to any provider.
  await sleep(1500);
  await gotoLine(page, 44);
  await newLine(page);
  await page.keyboard.type('if item', { delay: 40 });
  const ghost = await stableGhost(page, 'ghost text');
  const before = await cursorLine(page);
  ok(`ghost text shown: ${JSON.stringify(ghost)} after ${JSON.stringify(before)}`);
  await page.screenshot({ path: path.join(SHOTS, 'vscode-ghost.png') });

  const startTop = await cursorTop(page);
  await page.keyboard.press('Tab');
  await waitFor(page, async () => (await ghostText(page)) === '', 'ghost text to go after Tab');
  // The accepted lines, read from the line where typing started.
  const want = (before + ghost).split('\n');
  const got = await linesFrom(page, startTop, want.length);
  if (JSON.stringify(got.map((l) => l.trimEnd())) !== JSON.stringify(want.map((l) => l.trimEnd()))) {
    throw new Error(`after Tab the editor has ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  ok(`Tab accepted: the editor now has ${JSON.stringify(got)}`);
  await page.screenshot({ path: path.join(SHOTS, 'vscode-accept.png') });

  // Accept next word (Ctrl+Right) takes a piece and leaves the rest shown
  // or, for a one-word suggestion, takes all; Escape dismisses. The shell
  // script then finds "partial" and "rejected" events in the telemetry.
  await newLine(page);
  await page.keyboard.type('item, err := s.', { delay: 40 });
  const g2 = await stableGhost(page, 'ghost text for accept-word');
  const l2 = await cursorLine(page);
  const top2 = await cursorTop(page);
  await page.keyboard.down('Control');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.up('Control');
  // The line (and any lines the word brought) now continue with a prefix
  // of the suggestion.
  const n2 = g2.split('\n').length;
  const taken = await waitFor(page, async () => {
    const text = (await linesFrom(page, top2, n2)).join('\n');
    for (let k = g2.length; k > 0; k--) {
      if (text.startsWith(l2 + g2.slice(0, k))) {
        return g2.slice(0, k);
      }
    }
    return '';
  }, `accept-word to insert a prefix of ${JSON.stringify(g2)}`, 5000);
  if (taken.trim() === '') {
    throw new Error(`accept word took only whitespace: ${JSON.stringify(taken)}`);
  }
  ok(`Ctrl+Right accepted ${JSON.stringify(taken)} of ${JSON.stringify(g2)}`);
  await page.keyboard.press('Escape');
  await newLine(page);
  await page.keyboard.type('for _, name := range ', { delay: 40 });
  await waitFor(page, () => ghostText(page), 'ghost text to dismiss');
  // Read it first: one dismissed within telemetry.unseenMs counts as unseen.
  await new Promise((r) => setTimeout(r, 400));
  await page.keyboard.press('Escape');
  await waitFor(page, async () => (await ghostText(page)) === '', 'Escape to hide the ghost text', 5000);
  ok('Escape dismissed the suggestion');

  // Latency: each trigger types a prefix on a fresh line at a typing pace;
  // a MutationObserver in the page stamps the first ghost text after the
  // last keystroke.
  await page.evaluate((sel, ghost) => {
    window.__gl = { t0: 0, shown: 0 };
    new MutationObserver(() => {
      if (window.__gl.t0 && !window.__gl.shown && document.querySelector(`${sel} :is(${ghost})`)) {
        window.__gl.shown = performance.now();
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, EDITOR, GHOST);
  const prefixes = ['if err', 'return ', 'item, err := s.', 'for _, name := range ', 'total += ', 'if item.'];
  const lat = [];
  let misses = 0;
  for (let i = 0; i < TRIGGERS; i++) {
    await page.keyboard.press('Escape');
    await newLine(page);
    const text = prefixes[i % prefixes.length];
    await page.keyboard.type(text.slice(0, -1), { delay: 30 });
    await sleep(30);
    await page.evaluate(() => {
      window.__gl.shown = 0;
      window.__gl.t0 = performance.now();
    });
    await page.keyboard.type(text.slice(-1));
    const t = Date.now();
    let got = 0;
    while (Date.now() - t < 3000) {
      got = await page.evaluate(() => (window.__gl.shown ? window.__gl.shown - window.__gl.t0 : 0));
      if (got) {
        break;
      }
      await sleep(5);
    }
    if (got) {
      lat.push(got);
    } else {
      misses++;
    }
    // Take the typed line out again, so every trigger sees the same file
    // rather than one filling up with half-typed lines.
    await page.keyboard.press('Escape');
    await page.keyboard.down('Control');
    await page.keyboard.down('Shift');
    await page.keyboard.press('KeyK');
    await page.keyboard.up('Shift');
    await page.keyboard.up('Control');
    await page.keyboard.press('ArrowUp');
  }
  await page.keyboard.press('Escape');
  lat.sort((a, b) => a - b);
  const pct = (p) => (lat.length ? lat[Math.max(0, Math.ceil(p * lat.length) - 1)] : -1);
  process.stdout.write(
    `LATENCY vscode keystroke-to-ghost-text: n=${lat.length} median=${pct(0.5).toFixed(1)}ms p95=${pct(0.95).toFixed(1)}ms max=${pct(1).toFixed(1)}ms misses=${misses}\n`,
  );
  if (lat.length < Math.floor(TRIGGERS * 0.9)) {
    throw new Error(`ghost text for only ${lat.length} of ${TRIGGERS} triggers`);
  }
  ok('latency');

  // The server killed mid-session: the extension restarts it (with backoff)
  // and suggestions resume.
  const pids = serverPids();
  if (pids.length !== 1) {
    throw new Error(`want one "${BIN} serve" process, found ${JSON.stringify(pids)}`);
  }
  process.kill(pids[0], 'SIGKILL');
  await waitFor(page, () => {
    const now = serverPids();
    return now.length === 1 && now[0] !== pids[0];
  }, 'the server to be restarted', 20000);
  await waitFor(
    page,
    () => page.evaluate(() => Array.from(document.querySelectorAll('.statusbar-item')).some((e) => e.textContent.includes('built-in'))),
    'the status bar after the restart',
    20000,
  );
  await newLine(page);
  await page.keyboard.type('if item', { delay: 40 });
  await waitFor(page, () => ghostText(page), 'ghost text after the restart');
  ok('server killed: restarted, suggestions resume');
  await page.keyboard.press('Escape');

  await rangeStep(page);
}

// rangeStep: an item whose range replaces the ")" the editor auto-closed.
// The model (fakeollama) retypes the closer; the server's item carries a
// range over the rest of the line, and accepting it must leave one ")".
async function rangeStep(page) {
  // The settings file edited in the editor, as a user would (a write from
  // outside went unnoticed): the extension sends the change to the server,
  // which switches model without a restart.
  const settings = JSON.parse(fs.readFileSync(SETTINGS, 'utf8'));
  Object.assign(settings, {
    'editor.autoClosingBrackets': 'always',
    'ghostline.model.provider': 'ollama',
    'ghostline.model.endpoint': OLLAMA,
    'ghostline.model.name': RANGE_MODEL,
    'ghostline.model.timeoutMs': 5000,
    'ghostline.completion.debounceMs': 0,
  });
  await page.keyboard.down('Control');
  await page.keyboard.down('Shift');
  await page.keyboard.press('KeyP');
  await page.keyboard.up('Shift');
  await page.keyboard.up('Control');
  await page.waitForSelector('.quick-input-widget input', { visible: true });
  await page.keyboard.type('Open User Settings (JSON)');
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll('.quick-input-list .monaco-list-row')).some((r) => r.textContent.includes('Open User Settings (JSON)')),
    { timeout: 15000 },
  );
  await page.keyboard.press('Enter');
  // It opens in a floating editor, not a tab.
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll('.monaco-editor .view-line')).some((t) => t.textContent.includes('ghostline.ranker.enabled')),
    { timeout: 15000 },
  );
  await sleep(500);
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Delete');
  await page.keyboard.type(JSON.stringify(settings));
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyS');
  await page.keyboard.up('Control');
  // Closed only once the change is applied (so saved): an unsaved editor
  // asks whether to save, and that dialog takes the next keystrokes.
  await waitFor(
    page,
    () => page.evaluate((m) => Array.from(document.querySelectorAll('.statusbar-item')).some((e) => e.textContent.includes(m)), RANGE_MODEL),
    `the status bar to show ${RANGE_MODEL} (settings applied)`,
    20000,
  );
  await page.keyboard.press('Escape');
  ok(`settings changed: the server uses ${OLLAMA}`);

  await openFile(page, 'report.go');
  await sleep(1000);
  await gotoLine(page, 1);
  await newLine(page);
  await page.keyboard.type('x := fmt.Sprint(', { delay: 40 });
  const top = await cursorTop(page);
  await waitFor(page, async () => (await cursorLine(page)) === 'x := fmt.Sprint()', 'the editor to auto-close "("', 5000);
  const ghost = await stableGhost(page, 'ghost text before the auto-closed ")"');
  if (ghost !== '"hello"') {
    throw new Error(`ghost text before ")" is ${JSON.stringify(ghost)}, want "\"hello\"" (the item's range covers the ")")`);
  }
  ok(`ghost text ${JSON.stringify(ghost)} before the auto-closed ")"`);
  await page.keyboard.press('Tab');
  await waitFor(page, async () => (await ghostText(page)) === '', 'ghost text to go after Tab');
  const [got] = await linesFrom(page, top, 1);
  if (got !== 'x := fmt.Sprint("hello")') {
    throw new Error(`after Tab the line is ${JSON.stringify(got)}, want "x := fmt.Sprint(\"hello\")" (one ")")`);
  }
  // The cursor is after the text, not before a leftover ")": typing lands there.
  // The extension moves it from its own process, a few ms after the edit is
  // shown (a keystroke sent at once can still land before the ")"); a person
  // does not type within 300 ms of accepting.
  await sleep(300);
  await page.keyboard.type(';');
  const [typed] = await waitFor(page, async () => {
    const l = await linesFrom(page, top, 1);
    return l[0] !== got ? l : null;
  }, 'a typed ";" after the accept', 5000);
  if (typed !== 'x := fmt.Sprint("hello");') {
    throw new Error(`";" typed after the accept gives ${JSON.stringify(typed)}: the cursor was not at the end`);
  }
  ok(`Tab accepted: the line is ${JSON.stringify(got)}, cursor at its end`);
  await page.screenshot({ path: path.join(SHOTS, 'vscode-range.png') });
  await page.keyboard.press('Escape');
}

// serverPids lists the running "<GHOSTLINE_BIN> serve" processes.
function serverPids() {
  try {
    return execFileSync('pgrep', ['-f', '-x', `${BIN} serve`], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

main();
