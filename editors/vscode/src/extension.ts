// The ghostline VS Code extension: a thin client of `ghostline serve`. All
// completion logic is in the server; this file starts it, shows its
// suggestions through vscode-languageclient's inline-completion support and
// reports what the user does with them.

import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import {
  Backoff,
  Explanation,
  PartialAccepts,
  ServerStatus,
  SettingSchema,
  SuggestionId,
  endAfter,
  resolveServer,
  serverOptions,
  settingValue,
  statusText,
  statusTooltip,
  suggestionId,
  userValue,
} from './logic';

const ACCEPT = 'ghostline.accept';
const STATUS_POLL_MS = 2000;

/** The suggestion last handed to the editor. */
interface Shown {
  id: SuggestionId;
  uri: string;
  /** Where an item with a range starts, and its text. */
  replace?: { start: vscode.Position; text: string };
}

class Ghostline implements vscode.Disposable {
  private readonly log: vscode.LogOutputChannel;
  private readonly bar: vscode.StatusBarItem;
  private readonly backoff = new Backoff();
  private readonly partial = new PartialAccepts();
  private readonly reportedErrors = new Set<string>();
  private client: LanguageClient | undefined;
  private clientDisposables: vscode.Disposable[] = [];
  private binary = '';
  private state: 'starting' | 'running' | 'failed' = 'starting';
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private lastStatus: ServerStatus | undefined;
  private setAtStart = new Set<string>(); // settings the user had set when the server started
  private shown: Shown | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.log = vscode.window.createOutputChannel('ghostline', { log: true });
    this.bar = vscode.window.createStatusBarItem('ghostline.status', vscode.StatusBarAlignment.Right, 100);
    this.bar.name = 'ghostline';
    this.bar.command = 'ghostline.toggle';
    this.renderStatus();
    this.bar.show();
  }

  private config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('ghostline');
  }

  private enabled(): boolean {
    return this.config().get<boolean>('completion.enabled', true);
  }

  /**
   * options is what the server gets as initializationOptions (start true)
   * and settings: only what the user set, so the server's defaults apply.
   */
  private options(start = false): Record<string, Record<string, unknown>> {
    const schema = (this.context.extension.packageJSON.contributes?.configuration?.properties ?? {}) as Record<
      string,
      SettingSchema
    >;
    const cfg = this.config();
    if (start) {
      this.setAtStart = new Set(Object.keys(schema).filter((k) => userValue(cfg.inspect(k.replace(/^ghostline\./, ''))) !== undefined));
    }
    return serverOptions(schema, (k) =>
      settingValue(cfg.inspect(k), this.setAtStart.has('ghostline.' + k), schema['ghostline.' + k]?.default),
    );
  }

  async start(): Promise<void> {
    this.stopping = false;
    const found = resolveServer(
      this.config().get<string>('path', ''),
      process.env.PATH ?? '',
      path.join(this.context.extensionPath, 'bin'),
    );
    if ('error' in found) {
      // One message, not one per keystroke or per restart: nothing is
      // retried until the setting changes or the user restarts.
      this.fail(found.error);
      return;
    }
    this.binary = found.path;
    this.state = 'starting';
    this.renderStatus();
    this.log.info(`starting ${found.path} serve (found via ${found.source})`);

    const serverOpts: ServerOptions = { command: found.path, args: ['serve'], options: { env: process.env } };
    const clientOpts: LanguageClientOptions = {
      // Files only: the server locates the repository from the document's path.
      documentSelector: [{ scheme: 'file' }],
      outputChannel: this.log,
      initializationOptions: this.options(true),
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => {
          if (!this.stopping) {
            this.scheduleRestart('the server stopped unexpectedly');
          }
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
      middleware: {
        provideInlineCompletionItems: async (document, position, ctx, token, next) => {
          if (!this.enabled()) {
            return null;
          }
          const res = await next(document, position, ctx, token);
          const items = Array.isArray(res) ? res : (res?.items ?? []);
          const id = items.length > 0 ? suggestionId(items[0].command) : undefined;
          if (id !== undefined && id !== this.shown?.id) {
            this.partial.forget();
            this.shown = { id, uri: document.uri.toString() };
          }
          const first = items[0];
          if (this.shown && id === this.shown.id && first?.range && typeof first.insertText === 'string') {
            this.shown.replace = { start: first.range.start, text: first.insertText };
          }
          return res;
        },
        executeCommand: (command, args, next) => {
          if (command === ACCEPT) {
            this.cursorAfterReplace();
            this.partial.forget();
            this.shown = undefined;
          }
          return next(command, args);
        },
      },
    };
    const client = new LanguageClient('ghostline', 'ghostline', serverOpts, clientOpts);
    this.client = client;
    this.clientDisposables.push(
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) {
          this.state = 'running';
          this.renderStatus();
        }
      }),
    );
    try {
      await client.start();
    } catch (err) {
      this.log.error(`could not start ${found.path}: ${String(err)}`);
      if (!this.stopping) {
        this.scheduleRestart('the server did not start');
      }
      return;
    }
    this.backoff.started(Date.now());
    // The client forwards commands the server lists in executeCommandProvider;
    // without that, forward ghostline.accept ourselves.
    const cmds = client.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
    if (!cmds.includes(ACCEPT)) {
      this.clientDisposables.push(
        vscode.commands.registerCommand(ACCEPT, (...args: unknown[]) => {
          this.partial.forget();
          this.shown = undefined;
          return client.sendRequest('workspace/executeCommand', { command: ACCEPT, arguments: args });
        }),
      );
    }
    this.pollStatus();
  }

  private fail(message: string): void {
    this.state = 'failed';
    this.binary = '';
    this.renderStatus(message);
    this.log.error(message);
    if (this.reportedErrors.has(message)) {
      return;
    }
    this.reportedErrors.add(message);
    void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Log').then((pick) => {
      if (pick === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'ghostline.path');
      } else if (pick === 'Show Log') {
        this.log.show();
      }
    });
  }

  private scheduleRestart(why: string): void {
    const delay = this.backoff.next(Date.now());
    this.log.warn(`${why}; restarting in ${delay} ms`);
    this.state = 'starting';
    this.lastStatus = undefined;
    this.renderStatus();
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void this.stop().then(() => this.start());
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.statusTimer);
    for (const d of this.clientDisposables) {
      d.dispose();
    }
    this.clientDisposables = [];
    const client = this.client;
    this.client = undefined;
    this.shown = undefined;
    this.partial.forget();
    if (client && client.state === State.Running) {
      try {
        await client.stop(2000);
      } catch (err) {
        this.log.warn(`stopping the server: ${String(err)}`);
      }
    } else if (client) {
      await client.dispose().catch(() => undefined);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private pollStatus(): void {
    clearTimeout(this.statusTimer);
    const client = this.client;
    if (!client || client.state !== State.Running) {
      return;
    }
    client.sendRequest<ServerStatus>('ghostline/status').then(
      (s) => {
        this.lastStatus = s ?? undefined;
        this.renderStatus();
      },
      (err) => this.log.debug(`ghostline/status: ${String(err)}`),
    );
    this.statusTimer = setTimeout(() => this.pollStatus(), STATUS_POLL_MS);
  }

  private renderStatus(error?: string): void {
    this.bar.text = statusText(this.enabled(), this.lastStatus, this.state);
    this.bar.tooltip = error ?? statusTooltip(this.enabled(), this.lastStatus, this.binary);
    this.bar.command = this.state === 'failed' ? 'ghostline.showLog' : 'ghostline.toggle';
  }

  async onConfigChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!e.affectsConfiguration('ghostline')) {
      return;
    }
    if (e.affectsConfiguration('ghostline.path') || this.state === 'failed') {
      await this.restart();
      return;
    }
    this.renderStatus();
    if (this.client?.state === State.Running) {
      await this.client.sendNotification('workspace/didChangeConfiguration', { settings: this.options() });
    }
  }

  async toggle(): Promise<void> {
    await this.config().update('completion.enabled', !this.enabled(), vscode.ConfigurationTarget.Global);
    if (!this.enabled()) {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.hide');
    }
  }

  /**
   * acceptPart runs VS Code's own accept-next-word/line command and reports
   * how much of the suggestion is now accepted, measured as the cursor's move.
   */
  async acceptPart(unit: 'Word' | 'Line'): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const shown = this.shown;
    const before = editor ? editor.document.offsetAt(editor.selection.active) : 0;
    await vscode.commands.executeCommand(`editor.action.inlineSuggest.acceptNext${unit}`);
    if (!editor || !shown || editor.document.uri.toString() !== shown.uri) {
      return;
    }
    const n = editor.document.offsetAt(editor.selection.active) - before;
    if (n > 0 && this.client?.state === State.Running) {
      const total = this.partial.add(shown.id, n);
      await this.client.sendNotification('ghostline/didPartialAccept', { id: shown.id, acceptedLength: total });
    }
  }

  async dismiss(): Promise<void> {
    const shown = this.shown;
    this.shown = undefined;
    this.partial.forget();
    await vscode.commands.executeCommand('editor.action.inlineSuggest.hide');
    if (shown && this.client?.state === State.Running) {
      await this.client.sendNotification('ghostline/didReject', { id: shown.id });
    }
  }

  async explain(): Promise<void> {
    if (this.client?.state !== State.Running) {
      void vscode.window.showWarningMessage('ghostline: the server is not running (see "ghostline: Show Log").');
      return;
    }
    const e = await this.client.sendRequest<Explanation>('ghostline/explain');
    const lines = e?.lines ?? [];
    for (const l of lines) {
      this.log.info(`explain: ${l}`);
    }
    const pick = await vscode.window.showInformationMessage(lines.slice(0, 2).join(' — '), 'Details');
    if (pick === 'Details') {
      this.log.show();
    }
  }

  async openDashboard(): Promise<void> {
    const url = this.config().get<string>('dashboardUrl', '') || this.config().get<string>('telemetry.collector', '');
    if (url === '') {
      void vscode.window.showInformationMessage(
        'ghostline: no team dashboard configured. Set "ghostline.dashboardUrl" (or "ghostline.telemetry.collector"), ' +
          'or run `ghostline dashboard` to serve one from your own telemetry.',
      );
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url));
  }

  showLog(): void {
    this.log.show();
  }

  dispose(): void {
    void this.stop();
    this.bar.dispose();
    this.log.dispose();
  }

  /**
   * cursorAfterReplace puts the cursor at the end of an accepted item whose
   * range replaced text after the cursor (closers the editor auto-inserted):
   * VS Code leaves it before them, where Enter would split the line.
   */
  private cursorAfterReplace(): void {
    const editor = vscode.window.activeTextEditor;
    const r = this.shown?.replace;
    if (!editor || !r || editor.document.uri.toString() !== this.shown?.uri || !editor.selection.isEmpty) {
      return;
    }
    const e = endAfter(r.start, r.text);
    const end = new vscode.Position(e.line, e.character);
    if (editor.document.getText(new vscode.Range(r.start, end)) === r.text && editor.selection.active.isBefore(end)) {
      editor.selection = new vscode.Selection(end, end);
    }
  }
}

let ghostline: Ghostline | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const g = new Ghostline(context);
  ghostline = g;
  context.subscriptions.push(
    g,
    vscode.workspace.onDidChangeConfiguration((e) => g.onConfigChanged(e)),
    vscode.commands.registerCommand('ghostline.toggle', () => g.toggle()),
    vscode.commands.registerCommand('ghostline.trigger', () =>
      vscode.commands.executeCommand('editor.action.inlineSuggest.trigger'),
    ),
    vscode.commands.registerCommand('ghostline.showLog', () => g.showLog()),
    vscode.commands.registerCommand('ghostline.openDashboard', () => g.openDashboard()),
    vscode.commands.registerCommand('ghostline.explain', () => g.explain()),
    vscode.commands.registerCommand('ghostline.restart', () => g.restart()),
    vscode.commands.registerCommand('ghostline.acceptNextWord', () => g.acceptPart('Word')),
    vscode.commands.registerCommand('ghostline.acceptNextLine', () => g.acceptPart('Line')),
    vscode.commands.registerCommand('ghostline.dismiss', () => g.dismiss()),
  );
  await g.start();
}

export async function deactivate(): Promise<void> {
  await ghostline?.stop();
  ghostline = undefined;
}
