import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  Backoff,
  FileChecks,
  endAfter,
  PartialAccepts,
  resolveServer,
  serverOptions,
  settingValue,
  statusText,
  statusTooltip,
  suggestionId,
  userValue,
} from '../logic';

/** fakeFiles: executables and plain (non-executable) files by path. */
function fakeFiles(exec: string[], plain: string[] = []): FileChecks {
  return {
    isExecutableFile: (p) => exec.includes(p),
    exists: (p) => exec.includes(p) || plain.includes(p),
  };
}

test('resolveServer: setting, then PATH, then bundled', () => {
  const bundled = path.join('/ext/bin', 'ghostline');
  const cases: { name: string; setting: string; envPath: string; files: FileChecks; want: string }[] = [
    { name: 'setting wins', setting: '/opt/gl', envPath: '/usr/bin', files: fakeFiles(['/opt/gl', '/usr/bin/ghostline']), want: '/opt/gl' },
    { name: 'first PATH entry with it', setting: '', envPath: '/a:/b:/c', files: fakeFiles(['/b/ghostline', '/c/ghostline']), want: '/b/ghostline' },
    { name: 'PATH skips non-executable', setting: '', envPath: '/a:/b', files: fakeFiles(['/b/ghostline'], ['/a/ghostline']), want: '/b/ghostline' },
    { name: 'bundled last', setting: '', envPath: '/a', files: fakeFiles([bundled]), want: bundled },
  ];
  for (const c of cases) {
    const got = resolveServer(c.setting, c.envPath, '/ext/bin', c.files, 'ghostline');
    assert.ok('path' in got, c.name);
    assert.equal(got.path, c.want, c.name);
  }
});

test('resolveServer: one clear error with the fix', () => {
  const cases: { name: string; setting: string; files: FileChecks; want: RegExp }[] = [
    { name: 'missing setting path', setting: '/nope', files: fakeFiles([]), want: /"\/nope".*does not exist/ },
    { name: 'not executable', setting: '/f', files: fakeFiles([], ['/f']), want: /"\/f".*is not an executable file/ },
    { name: 'nowhere', setting: '', files: fakeFiles([]), want: /not found on PATH/ },
    { name: 'bundled not executable', setting: '', files: fakeFiles([], ['/ext/bin/ghostline']), want: /chmod \+x/ },
  ];
  for (const c of cases) {
    const got = resolveServer(c.setting, '/a', '/ext/bin', c.files, 'ghostline');
    assert.ok('error' in got, c.name);
    assert.match(got.error, c.want, c.name);
    assert.match(got.error, /make install.*ghostline\.path/, c.name);
  }
});

test('Backoff doubles up to the cap and resets after a stable run', () => {
  const b = new Backoff(500, 4000, 60_000);
  b.started(1);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => b.next(1000)), [500, 1000, 2000, 4000, 4000]);
  b.started(10_000);
  assert.equal(b.next(10_000 + 59_999), 4000, 'still crashing quickly');
  b.started(100_000);
  assert.equal(b.next(100_000 + 60_000), 500, 'healthy again');
});

test('serverOptions nests sections and leaves editor-only settings out', () => {
  const schema = {
    'ghostline.path': {},
    'ghostline.dashboardUrl': {},
    'ghostline.completion.enabled': {},
    'ghostline.model.provider': {},
    'ghostline.model.name': {},
    'ghostline.telemetry.storeText': {},
  };
  const values: Record<string, unknown> = {
    path: '/x',
    'completion.enabled': false,
    'model.provider': 'builtin',
    'model.name': 'm',
    'telemetry.storeText': undefined,
  };
  assert.deepEqual(
    serverOptions(schema, (k) => values[k]),
    { completion: { enabled: false }, model: { name: 'm', provider: 'builtin' } },
  );
});

test('serverOptions covers every server setting declared in package.json', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require('../../package.json');
  const props = pkg.contributes.configuration.properties as Record<string, { default?: unknown }>;
  const opts = serverOptions(props, (k) => props['ghostline.' + k].default);
  assert.deepEqual(Object.keys(opts).sort(), ['completion', 'model', 'ranker', 'retrieval', 'telemetry']);
  assert.equal(opts.model.provider, 'auto');
  assert.equal(opts.completion.debounceMs, 60);
});

test('statusText shows the server summary behind a state icon', () => {
  const cases: { name: string; enabled: boolean; s?: object; state: 'starting' | 'running' | 'failed'; want: string }[] = [
    { name: 'failed', enabled: true, state: 'failed', want: '$(error) ghostline' },
    { name: 'off', enabled: false, s: {}, state: 'running', want: '$(circle-slash) ghostline off' },
    { name: 'starting', enabled: true, state: 'starting', want: '$(sync~spin) ghostline' },
    { name: 'running', enabled: true, s: { summary: 'qwen2.5-coder:1.5b-base · 42 ms · 3 hidden' }, state: 'running', want: '$(sparkle) qwen2.5-coder:1.5b-base · 42 ms · 3 hidden' },
    { name: 'old server', enabled: true, s: {}, state: 'running', want: '$(sparkle) ghostline' },
    { name: 'server error', enabled: true, s: { summary: 'm', error: 'ollama down' }, state: 'running', want: '$(warning) ghostline' },
  ];
  for (const c of cases) {
    assert.equal(statusText(c.enabled, c.s, c.state), c.want, c.name);
  }
  assert.equal(
    statusTooltip(true, { lines: ['model: built-in', 'shown 1, hidden by the predictor 0'] }, '/bin/ghostline'),
    'ghostline on (click to toggle)\nserver: /bin/ghostline\nmodel: built-in\nshown 1, hidden by the predictor 0',
  );
});

test('only settings the user set are sent', () => {
  assert.equal(userValue({ globalValue: 1, workspaceValue: 2 }), 2, 'workspace over user');
  assert.equal(userValue({ globalValue: 1, workspaceValue: 2, workspaceFolderValue: 3 }), 3, 'folder over workspace');
  assert.equal(userValue({}), undefined, 'a default is not sent');
  assert.equal(userValue(undefined), undefined);
  assert.equal(settingValue({}, false, 60), undefined, 'never set: the server default');
  assert.equal(settingValue({}, true, 60), 60, 'set at start, then removed: back to the default');
  assert.equal(settingValue({ globalValue: 5 }, true, 60), 5);
});

test('PartialAccepts accumulates per suggestion', () => {
  const p = new PartialAccepts();
  assert.equal(p.add('a', 3), 3);
  assert.equal(p.add('a', 4), 7);
  assert.equal(p.add('b', 2), 2, 'a new suggestion starts over');
  p.forget('a');
  assert.equal(p.add('b', 1), 3, 'forgetting another id keeps the count');
  p.forget();
  assert.equal(p.add('b', 1), 1);
});

test('suggestionId reads the accept command only', () => {
  assert.equal(suggestionId({ command: 'ghostline.accept', arguments: ['s1'] }), 's1');
  assert.equal(suggestionId({ command: 'ghostline.accept', arguments: [7] }), 7);
  assert.equal(suggestionId({ command: 'other', arguments: ['s1'] }), undefined);
  assert.equal(suggestionId({ command: 'ghostline.accept', arguments: [{}] }), undefined);
  assert.equal(suggestionId(undefined), undefined);
});

test('endAfter: where an accepted item with a range ends', () => {
  assert.deepEqual(endAfter({ line: 3, character: 16 }, '"hello")'), { line: 3, character: 24 });
  assert.deepEqual(endAfter({ line: 3, character: 16 }, 'a(\n\tb)\n}'), { line: 5, character: 1 });
  assert.deepEqual(endAfter({ line: 0, character: 2 }, 'é😀)'), { line: 0, character: 6 });
});
