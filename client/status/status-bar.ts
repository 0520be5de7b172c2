// The status bar item: engine state from vlm/engineStatusChanged; a click opens the panel.
import * as vscode from 'vscode';
import type { EngineStatus } from '../../protocol/protocol';
import { COMMANDS } from '../commands/ids';
import { statusBarView, type ConnectionState } from './text';

export class EngineStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'vlm.status',
    vscode.StatusBarAlignment.Left,
    10,
  );
  private connection: ConnectionState = 'stopped';
  private failure?: string;
  private status?: EngineStatus;

  constructor() {
    this.item.name = 'VLM Engine';
    this.item.command = COMMANDS.showCacheDiagnostics.id;
    this.render();
    this.item.show();
  }

  setConnection(state: ConnectionState, failure?: string): void {
    this.connection = state;
    this.failure = failure;
    if (state !== 'running') this.status = undefined;
    this.render();
  }

  setStatus(status: EngineStatus): void {
    this.status = status;
    this.render();
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    const view = statusBarView(this.connection, this.status, this.failure);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.error
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : undefined;
  }
}
