// What both webview tests need: a local server that serves one webview's HTML at / and its
// assets from media/, and pages where acquireVsCodeApi is stubbed as VS Code provides it
// (state that survives a reload, posted messages recorded, CSP violations collected).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

export interface WebviewHost {
  origin: string;
  close(): Promise<void>;
}

/** Serves `html` at / and `media/<name>` for each of the given asset names, on 127.0.0.1. */
export async function serveWebview(html: string, assets: string[]): Promise<WebviewHost> {
  const server = createServer((req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    const name = path.replace(/^\/media\//, '');
    if (!path.startsWith('/media/') || !assets.includes(name)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/css' });
    res.end(readFileSync(join('media', name)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A page on the webview with acquireVsCodeApi stubbed: state kept in sessionStorage
 * (survives a reload, as a hidden webview's does), posts in window.__posted, CSP
 * violations in window.__cspViolations.
 */
export async function openWebview(
  browser: Browser,
  origin: string,
  viewport: { width: number; height: number },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  // A string, not a function: tsx would wrap a function's inner names in a __name helper
  // that does not exist in the page.
  await page.addInitScript(`
    window.__posted = [];
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.__posted.push(m),
      getState: () => JSON.parse(sessionStorage.getItem('vscode-state') || 'null'),
      setState: (s) => sessionStorage.setItem('vscode-state', JSON.stringify(s)),
    });
  `);
  await page.goto(origin + '/');
  return page;
}
