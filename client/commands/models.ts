// Select Model…, Download Model… (the catalog, pulled by the server), List Installed Models.
import * as vscode from 'vscode';
import {
  ListModelsRequest,
  SelectModelRequest,
  ValidateModelRequest,
  type ModelInfo,
} from '../../protocol/protocol';
import type { VlmContext } from '../context';
import { ModelCatalogRequest } from '../../protocol/models-pull';
import { catalogItems } from '../download/catalog';
import { downloadModel } from '../download/downloader';
import { pullWithProgress } from '../download/pull';
import { formatBytes } from '../format';
import { listInstalledModels } from '../models/installed';
import { validationReport } from '../models/report';
import { readSettings } from '../settings/read';
import { basename } from 'node:path';
import { modelsDir } from '../settings/paths';
import { errorText, isCancellation } from './errors';
import { showError } from './show-error';

type ModelPick = vscode.QuickPickItem & {
  action: 'model' | 'browse' | 'download';
  id?: string;
  path?: string;
};

export async function selectModel(ctx: VlmContext): Promise<void> {
  const picks: ModelPick[] = [];
  let listed: ModelInfo[] = [];
  try {
    listed = (await (await ctx.connection.ready()).sendRequest(ListModelsRequest)).models;
  } catch (error) {
    void vscode.window.showWarningMessage(
      `VLM: the server could not list models: ${errorText(error)}`,
    );
  }
  for (const m of listed) {
    picks.push({
      action: 'model',
      id: m.id,
      // A Hub model is chosen by its name; its cache folder is only shown.
      path: m.kind === 'hub' ? undefined : m.path,
      label: `${m.selected ? '$(check) ' : ''}${m.name}`,
      description: m.kind === 'reference' ? 'reference model: answers are not meaningful' : m.path,
      detail: m.valid ? undefined : `Not valid: ${(m.problems ?? []).join('; ')}`,
    });
  }
  const known = new Set(listed.map((m) => m.path).filter(Boolean));
  for (const m of listInstalledModels(modelsDir(readSettings().settings))) {
    if (!known.has(m.dir))
      picks.push({
        action: 'model',
        id: m.dir,
        path: m.dir,
        label: m.name,
        description: `installed · ${formatBytes(m.bytes)}${m.modelType ? ` · ${m.modelType}` : ''}`,
      });
  }
  picks.push({ label: '', kind: vscode.QuickPickItemKind.Separator, action: 'browse' });
  picks.push({ action: 'browse', label: '$(folder-opened) Browse for a model folder…' });
  picks.push({ action: 'download', label: '$(cloud-download) Download a model…' });
  const picked = await vscode.window.showQuickPick(picks, {
    title: 'VLM: Select Model',
    placeHolder: 'Model for answers',
  });
  if (!picked) return;
  if (picked.action === 'download')
    return void (await vscode.commands.executeCommand('vlm.downloadModel'));
  if (picked.action === 'browse') {
    const folder = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel: 'Use This Model Folder',
    });
    if (!folder?.[0]) return;
    return void (await useModel(ctx, folder[0].fsPath, folder[0].fsPath));
  }
  await useModel(ctx, picked.id ?? '', picked.path);
}

/** What vlm.modelPath keeps: nothing for the reference model, a Hub model's name, else its folder. */
function modelSetting(model: ModelInfo, folder: string | undefined): string {
  if (model.kind === 'reference') return '';
  if (model.kind === 'hub') return model.id;
  return model.path ?? folder ?? '';
}

/** Validates a folder (a clear report when it is not a model), then loads it and saves the choice. */
export async function useModel(ctx: VlmContext, id: string, folder?: string): Promise<boolean> {
  const client = await ctx.connection.ready();
  if (folder) {
    const result = await client
      .sendRequest(ValidateModelRequest, { path: folder })
      .catch((error: unknown) => {
        void showError(ctx.output, `Can't check ${basename(folder)}`, error);
        return undefined;
      });
    if (!result) return false;
    if (!result.valid) {
      const choice = await vscode.window.showErrorMessage(
        `VLM: ${folder} is not a valid model: ${result.problems.slice(0, 3).join('; ')}${result.problems.length > 3 ? '; …' : ''}`,
        'Show Report',
      );
      if (choice)
        await vscode.window.showTextDocument(
          await vscode.workspace.openTextDocument({
            language: 'markdown',
            content: validationReport(result),
          }),
        );
      return false;
    }
  }
  try {
    const selected = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `VLM: loading ${folder ?? id}`,
        cancellable: true,
      },
      (_p, token) => client.sendRequest(SelectModelRequest, { model: folder ?? id }, token),
    );
    await vscode.workspace
      .getConfiguration('vlm')
      .update('modelPath', modelSetting(selected.model, folder), vscode.ConfigurationTarget.Global);
    ctx.answers.setReferenceModel(selected.model.kind === 'reference');
    void vscode.window.showInformationMessage(
      `VLM: ${selected.model.name} loaded in ${(selected.loadMs / 1000).toFixed(1)} s.`,
    );
    return true;
  } catch (error) {
    if (!isCancellation(error))
      void showError(ctx.output, `Can't load ${basename(folder ?? id)}`, error);
    return false;
  }
}

type DownloadPick = vscode.QuickPickItem & { repo?: string; manifest?: boolean };

/**
 * VLM: Download Model…: the catalog with download sizes; the pick is pulled by the
 * language server (engine/hub) and then validated and selected like any model folder.
 * A manifest server (vlm.models.downloadBaseUrl) stays as the last, advanced choice.
 */
export async function downloadModelCommand(ctx: VlmContext): Promise<void> {
  const client = await ctx.connection.ready();
  const catalog = await client.sendRequest(ModelCatalogRequest).catch((error: unknown) => {
    void showError(ctx.output, "Can't list the model catalog", error);
    return undefined;
  });
  if (!catalog) return;
  const picks: DownloadPick[] = [
    ...catalogItems(catalog.models, catalog.defaultRepo),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    {
      label: '$(link) From a manifest server…',
      description: 'advanced: vlm.models.downloadBaseUrl',
      manifest: true,
    },
  ];
  const picked = await vscode.window.showQuickPick(picks, {
    title: 'VLM: Download Model',
    placeHolder: 'A model to download from Hugging Face (the sizes are per precision)',
    matchOnDescription: true,
  });
  if (!picked) return;
  if (picked.manifest) return downloadFromManifest(ctx);
  if (!picked.repo) return;
  try {
    const result = await pullWithProgress(client, picked.repo);
    ctx.output.info(
      `downloaded ${result.repo}@${result.revision} into ${result.dir} (${result.files.length} files, ${formatBytes(result.bytes)})`,
    );
    await useModel(ctx, result.dir, result.dir);
  } catch (error) {
    if (!isCancellation(error)) void showError(ctx.output, 'The download failed', error);
  }
}

/** The older download: files listed by <baseUrl>/<model>/vlm-manifest.json, verified by sha256. */
async function downloadFromManifest(ctx: VlmContext): Promise<void> {
  const { settings } = readSettings();
  let baseUrl = settings.models.downloadBaseUrl;
  if (!baseUrl) {
    const typed = await vscode.window.showInputBox({
      title: 'VLM: Download Model',
      prompt:
        'Base URL that serves <model>/vlm-manifest.json (saved as vlm.models.downloadBaseUrl)',
      placeHolder: 'https://models.example.com/vlm',
      ignoreFocusOut: true,
      validateInput: (v) =>
        /^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'An http:// or https:// URL',
    });
    if (!typed) return;
    baseUrl = typed.trim();
    await vscode.workspace
      .getConfiguration('vlm')
      .update('models.downloadBaseUrl', baseUrl, vscode.ConfigurationTarget.Global);
  }
  const model = await vscode.window.showInputBox({
    title: 'VLM: Download Model',
    prompt: `Model name under ${baseUrl}`,
    placeHolder: 'e.g. smolvlm-256m-instruct',
    ignoreFocusOut: true,
  });
  if (!model?.trim()) return;
  const dir = modelsDir(settings);
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `VLM: downloading ${model}`,
        cancellable: true,
      },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        return downloadModel({
          baseUrl,
          model: model.trim(),
          modelsDir: dir,
          signal: abort.signal,
          onProgress: (p) => {
            const percent = p.bytesTotal > 0 ? (100 * p.bytesDone) / p.bytesTotal : 0;
            progress.report({
              message: `${p.file} (${p.fileIndex + 1}/${p.fileCount}) · ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`,
              increment: percent - reported,
            });
            reported = percent;
          },
        });
      },
    );
    ctx.output.info(
      `downloaded ${model} into ${result.dir} (${formatBytes(result.bytesFetched)} fetched${result.resumedFiles.length ? `, resumed ${result.resumedFiles.join(', ')}` : ''})`,
    );
    const choice = await vscode.window.showInformationMessage(
      `VLM: ${model} downloaded and verified (${result.manifest.files.length} files).`,
      'Use It',
    );
    if (choice) await useModel(ctx, result.dir, result.dir);
  } catch (error) {
    void showError(ctx.output, 'The download failed', error);
  }
}

export async function listInstalledModelsCommand(ctx: VlmContext): Promise<void> {
  const dir = modelsDir(readSettings().settings);
  const installed = listInstalledModels(dir);
  if (installed.length === 0) {
    const choice = await vscode.window.showInformationMessage(
      `VLM: no models installed in ${dir}.`,
      'Download Model…',
    );
    if (choice) await vscode.commands.executeCommand('vlm.downloadModel');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    installed.map((m) => ({
      label: m.name,
      description: `${formatBytes(m.bytes)}${m.modelType ? ` · ${m.modelType}` : ''}`,
      detail: m.dir,
      model: m,
    })),
    { title: `VLM: Installed Models (${dir})`, placeHolder: 'Pick one to use it' },
  );
  if (picked) await useModel(ctx, picked.model.dir, picked.model.dir);
}
