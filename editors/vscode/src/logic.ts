// Pure logic of the extension: nothing here imports 'vscode', so it is unit
// tested with node's own test runner (src/test/logic.test.ts).

import * as fs from 'fs';
import * as path from 'path';

/** Where the server binary was found, or why it was not. */
export type Resolved = { path: string; source: 'setting' | 'PATH' | 'bundled' } | { error: string };

/** File-system checks, injectable for tests. */
export interface FileChecks {
  isExecutableFile(p: string): boolean;
  exists(p: string): boolean;
}

export const realFiles: FileChecks = {
  isExecutableFile(p: string): boolean {
    try {
      if (!fs.statSync(p).isFile()) {
        return false;
      }
      fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  exists(p: string): boolean {
    return fs.existsSync(p);
  },
};

const FIX =
  'Install it with `make install` from the ghostline repository (or put `ghostline` on PATH), ' +
  'or set "ghostline.path" to the binary.';

/**
 * resolveServer finds the `ghostline` binary: the ghostline.path setting,
 * else PATH, else the binary shipped in the extension's bin/ folder. The
 * error is one message that says what is wrong and how to fix it.
 */
export function resolveServer(
  setting: string,
  envPath: string,
  bundledDir: string,
  files: FileChecks = realFiles,
  exe = process.platform === 'win32' ? 'ghostline.exe' : 'ghostline',
): Resolved {
  if (setting.trim() !== '') {
    const p = setting.trim();
    if (files.isExecutableFile(p)) {
      return { path: p, source: 'setting' };
    }
    const why = files.exists(p) ? 'is not an executable file' : 'does not exist';
    return { error: `ghostline: the server binary "${p}" (setting ghostline.path) ${why}. ${FIX}` };
  }
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === '') {
      continue;
    }
    const p = path.join(dir, exe);
    if (files.isExecutableFile(p)) {
      return { path: p, source: 'PATH' };
    }
  }
  const bundled = path.join(bundledDir, exe);
  if (files.isExecutableFile(bundled)) {
    return { path: bundled, source: 'bundled' };
  }
  if (files.exists(bundled)) {
    return { error: `ghostline: the bundled server "${bundled}" is not executable (chmod +x it). ${FIX}` };
  }
  return { error: `ghostline: the server binary was not found on PATH. ${FIX}` };
}

/**
 * Backoff spaces out restarts of a server that keeps dying: 0.5 s, 1 s, 2 s …
 * up to maxMs. A server that stayed up for stableMs is considered healthy
 * again and the next crash restarts quickly.
 */
export class Backoff {
  private attempt = 0;
  private startedAt = 0;

  constructor(
    private readonly baseMs = 500,
    private readonly maxMs = 30_000,
    private readonly stableMs = 60_000,
  ) {}

  /** started records that the server was (re)started at time now. */
  started(now: number): void {
    this.startedAt = now;
  }

  /** next returns how long to wait before restarting a server that died at now. */
  next(now: number): number {
    if (this.startedAt !== 0 && now - this.startedAt >= this.stableMs) {
      this.attempt = 0;
    }
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt++;
    return delay;
  }
}

/** A contributed setting as declared in package.json. */
export interface SettingSchema {
  default?: unknown;
}

/**
 * serverOptions turns the extension's settings ("ghostline.model.name") into
 * the nested object the server takes as initializationOptions and in
 * workspace/didChangeConfiguration ({model: {name}}). Only settings whose
 * key has a section (completion.*, model.* …) belong to the server; editor-only
 * ones such as ghostline.path are left out.
 */
export function serverOptions(
  schema: Record<string, SettingSchema>,
  get: (key: string) => unknown,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const full of Object.keys(schema).sort()) {
    const key = full.replace(/^ghostline\./, '');
    const dot = key.indexOf('.');
    if (dot < 0) {
      continue;
    }
    const section = key.slice(0, dot);
    const value = get(key);
    if (value === undefined) {
      continue;
    }
    (out[section] ??= {})[key.slice(dot + 1)] = value;
  }
  return out;
}

/** What the server answers to ghostline/status; every field optional. */
export interface ServerStatus {
  ready?: boolean;
  enabled?: boolean;
  error?: string;
  /** summary is the server's short status-bar text; lines its full status, one fact a line. */
  summary?: string;
  lines?: string[];
}

/** statusText renders the status bar item: an icon for the state, then the server's summary. */
export function statusText(enabled: boolean, s: ServerStatus | undefined, state: 'starting' | 'running' | 'failed'): string {
  if (state === 'failed') {
    return '$(error) ghostline';
  }
  if (!enabled) {
    return '$(circle-slash) ghostline off';
  }
  if (state === 'starting' || s === undefined) {
    return '$(sync~spin) ghostline';
  }
  if (s.error) {
    return '$(warning) ghostline';
  }
  return '$(sparkle) ' + (s.summary || 'ghostline');
}

/** statusTooltip is the status bar item's hover text: this extension's state, then the server's status. */
export function statusTooltip(enabled: boolean, s: ServerStatus | undefined, binary: string): string {
  const lines = [`ghostline ${enabled ? 'on' : 'off'} (click to toggle)`];
  if (binary !== '') {
    lines.push(`server: ${binary}`);
  }
  lines.push(...(s?.lines ?? []));
  return lines.join('\n');
}

/** What the server answers to ghostline/explain: the explanation ready to show. */
export interface Explanation {
  lines?: string[];
}

/** The parts of WorkspaceConfiguration.inspect's answer that the user sets. */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * userValue is what the user set for a setting (folder over workspace over
 * user settings), or undefined: package.json's defaults are never sent, so a
 * default changed in the server applies.
 */
export function userValue(i: Inspected | undefined): unknown {
  return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
}

/**
 * settingValue is what to send the server for one setting: what the user
 * set; else, for a setting the user had set when the server started (the
 * server layers later changes over its initializationOptions), the default,
 * so removing it takes effect; else nothing.
 */
export function settingValue(i: Inspected | undefined, setAtStart: boolean, def: unknown): unknown {
  const v = userValue(i);
  return v === undefined && setAtStart ? def : v;
}

/**
 * PartialAccepts tracks how much of the suggestion on screen has been
 * accepted word by word or line by line, so that ghostline/didPartialAccept
 * carries the cumulative accepted length (UTF-16 code units, like the
 * editor's offsets).
 */
export class PartialAccepts {
  private id: SuggestionId | undefined;
  private accepted = 0;

  /** add records that n more characters of suggestion id were accepted and returns the total. */
  add(id: SuggestionId, n: number): number {
    if (id !== this.id) {
      this.id = id;
      this.accepted = 0;
    }
    this.accepted += Math.max(0, n);
    return this.accepted;
  }

  /** forget drops the count of id (accepted in full, dismissed or superseded). */
  forget(id?: SuggestionId): void {
    if (id === undefined || id === this.id) {
      this.id = undefined;
      this.accepted = 0;
    }
  }
}

/** The server's id of one suggestion, sent back verbatim. */
export type SuggestionId = string | number;

/** suggestionId extracts the id from an item's ghostline.accept command. */
/** A position as VS Code counts it: 0-based line, UTF-16 column. */
export interface Pos {
  line: number;
  character: number;
}

/**
 * endAfter is where text inserted at start ends: where the cursor belongs
 * after accepting an item whose range replaced the closers after it.
 */
export function endAfter(start: Pos, text: string): Pos {
  const lines = text.split('\n');
  if (lines.length === 1) {
    return { line: start.line, character: start.character + text.length };
  }
  return { line: start.line + lines.length - 1, character: lines[lines.length - 1].length };
}

export function suggestionId(command: { command?: string; arguments?: unknown[] } | undefined): SuggestionId | undefined {
  if (!command || command.command !== 'ghostline.accept' || !Array.isArray(command.arguments)) {
    return undefined;
  }
  const id = command.arguments[0];
  if (typeof id === 'string' || typeof id === 'number') {
    return id;
  }
  return undefined;
}
