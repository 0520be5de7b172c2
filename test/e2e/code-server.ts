// Runs VS Code's web build (code-server 4.99.4, installed by scripts/setup-e2e.sh) with the
// packaged .vsix installed, in throwaway user-data and extensions folders, and drives it
// with playwright-core and Debian's Chromium.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../browser/client/chromium';

export function e2eDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VLM_E2E_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vlm-stream-e2e');
}

export function codeServerBin(env: NodeJS.ProcessEnv = process.env): string {
  return join(e2eDir(env), 'node_modules', '.bin', 'code-server');
}

/**
 * The packaged extension, built fresh with `npm run package` so the test never installs a
 * stale .vsix; VLM_E2E_REUSE_VSIX=1 reuses an existing one.
 */
export function ensureVsix(): string {
  const { name, version } = JSON.parse(readFileSync('package.json', 'utf8')) as {
    name: string;
    version: string;
  };
  const vsix = resolve(`${name}-linux-x64-${version}.vsix`);
  if (!existsSync(vsix) || process.env.VLM_E2E_REUSE_VSIX !== '1') {
    const r = spawnSync(process.execPath, ['scripts/package.mjs'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run package failed; see its output');
  }
  return vsix;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export interface CodeServer {
  url: string;
  workspace: string;
  root: string;
  log: () => string;
  stop: () => Promise<void>;
}

export async function startCodeServer(
  vsix: string,
  files: string[],
  settings: Record<string, unknown>,
): Promise<CodeServer> {
  const root = mkdtempSync(join(tmpdir(), 'vlm-e2e-'));
  const userData = join(root, 'user-data');
  const extensions = join(root, 'extensions');
  const workspace = join(root, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  for (const file of files) copyFileSync(file, join(workspace, file.split('/').pop()!));
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'workbench.enableExperiments': false,
      ...settings,
    }),
  );
  const config = join(root, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
  const install = spawnSync(codeServerBin(), [...common, '--install-extension', vsix], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (install.status !== 0)
    throw new Error(`code-server --install-extension failed: ${install.stderr || install.stdout}`);

  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    codeServerBin(),
    [
      ...common,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, VLM_CACHE_DIR: join(root, 'cache') },
    },
  );
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  const deadline = Date.now() + 60_000;
  while (!/HTTP server listening/.test(output)) {
    if (child.exitCode !== null) throw new Error(`code-server exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`code-server did not start within 60 s: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    workspace,
    root,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(-child.pid!, 'SIGTERM'); // its own process group: the extension host and our server go too
      } catch {
        return;
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Runs a command through the command palette, by its title as the palette shows it. */
/** code-server with the packaged extension, and Chromium showing its workbench. */
export interface Workbench {
  server: CodeServer;
  browser: Browser;
  page: Page;
}

/**
 * Starts code-server on `files` with `settings`, opens it in Chromium and waits until the
 * VLM activity bar icon shows (code-server has registered the extension).
 */
export async function openWorkbench(
  files: string[],
  settings: Record<string, unknown> = {},
  viewport = { width: 1600, height: 1000 },
): Promise<Workbench> {
  const server = await startCodeServer(ensureVsix(), files, settings);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport });
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page
      .locator('.activitybar .action-item a[aria-label^="VLM"]')
      .waitFor({ timeout: 90_000 });
    return { server, browser, page };
  } catch (error) {
    // No code-server or Chromium outlives a failed start.
    await browser?.close().catch(() => {});
    await server.stop();
    throw error;
  }
}

/** Closes the browser and stops code-server; first saves the last screen when `lastShot` is given. */
export async function closeWorkbench(wb: Workbench | undefined, lastShot?: string): Promise<void> {
  if (!wb) return;
  if (lastShot) await wb.page.screenshot({ path: lastShot }).catch(() => {});
  await wb.browser.close();
  await wb.server.stop();
}

export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  // A webview that takes focus a moment after it is revealed closes the palette it
  // interrupts; the palette is then opened again rather than typed into while hidden.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
}

/** The innermost frame of a webview whose document has `selector` (webviews nest two iframes). */
export async function webviewFrame(
  page: Page,
  selector: string,
  timeoutMs = 30_000,
): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        if (await frame.locator(selector).count()) return frame;
      } catch {
        // frame detached while looking
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview with ${selector} within ${timeoutMs} ms`);
}

/**
 * Right-clicks an explorer row and runs a context-menu item. A click that lands while the
 * menu is still settling can be lost, so a menu still open afterwards gets Enter on the
 * hovered (focused) item.
 */
export async function explorerContextMenu(
  page: Page,
  fileName: string,
  itemLabel: string,
): Promise<void> {
  const explorer = page.locator('.activitybar .action-item a[aria-label^="Explorer"]');
  if (!(await page.locator('.explorer-folders-view').isVisible())) await explorer.click();
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName });
  await row.waitFor({ timeout: 30_000 });
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .action-item', { hasText: itemLabel }).first();
  await item.waitFor({ timeout: 15_000 });
  await item.hover();
  await item.click();
  const menu = page.locator('.context-view .monaco-menu');
  if (await menu.isVisible()) {
    await page.waitForTimeout(1000);
    if (await menu.isVisible()) await page.keyboard.press('Enter');
  }
}

/** The texts of the notifications shown so far (opens the notification center to read them). */
export async function notifications(page: Page): Promise<string[]> {
  await page.keyboard.press('Escape');
  await page
    .locator('.statusbar-item[id="status.notifications"]')
    .click()
    .catch(() => undefined);
  const center = page.locator('.notifications-center .notification-list-item-message');
  await page.waitForTimeout(500);
  const texts = await center.allInnerTexts();
  await page.keyboard.press('Escape');
  return texts;
}

/** Waits for a locator; on timeout the error carries the notifications, which say why. */
export async function waitOrExplain(
  page: Page,
  what: string,
  wait: () => Promise<void>,
): Promise<void> {
  try {
    await wait();
  } catch (error) {
    const shown = await notifications(page).catch(() => []);
    throw new Error(
      `${what}: ${(error as Error).message.split('\n')[0]}; notifications: ${shown.join(' | ') || 'none'}`,
    );
  }
}
