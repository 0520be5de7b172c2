// A local HTTP server speaking the Hub routes @huggingface/hub and `pullModel` use:
//   GET /api/models/{org}/{name}/revision/{rev}            model info with the commit sha
//   GET /api/models/{org}/{name}/tree/{rev}[/{path}]?...   file list with oid, size, lfs.oid
//   GET|HEAD /{org}/{name}/resolve/{rev}/{path}           git files served directly (ETag =
//        git blob sha1); LFS files 302 to /cdn/{sha256} with X-Linked-Etag / X-Linked-Size
//   GET /cdn/{sha256}                                     content, with HTTP Range
// It serves the generated reference model laid out as a real SmolVLM repository, and can
// be told to drop a connection mid-file, corrupt a file, or demand a token.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../../engine/model/reference/manifest';

export interface RepoFileContent {
  path: string;
  content: Buffer;
  lfs: boolean;
}

export interface RequestLog {
  method: string;
  url: string;
  range?: string;
  authorization?: string;
}

export interface HubFaults {
  /** Close the connection after this many bytes of the file at `path`, once. */
  dropOnce?: { path: string; afterBytes: number };
  /** Send this many bytes of the file at `path`, then nothing more (connection left open), once. */
  stallOnce?: { path: string; afterBytes: number };
  /** Serve this file with one byte changed (its listed sha256 stays the true one). */
  corrupt?: string;
  /** Wait this long before sending any file's contents (to make two pulls overlap). */
  contentDelayMs?: number;
  /** Answer 401 unless `Authorization: Bearer <token>` is sent. */
  requireToken?: string;
}

export const COMMIT = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitOid = (b: Buffer) =>
  createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

/** The reference model folder as a repository: root files, onnx/<part><suffix>.onnx per dtype suffix. */
export function repoFromFolder(dir: string, suffixes: string[]): RepoFileContent[] {
  const files: RepoFileContent[] = [];
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.json') && name !== MANIFEST_FILE)
      files.push({ path: name, content: readFileSync(join(dir, name)), lfs: false });
  }
  for (const name of readdirSync(join(dir, 'onnx'))) {
    const content = readFileSync(join(dir, 'onnx', name));
    for (const suffix of suffixes)
      files.push({ path: `onnx/${name.replace(/\.onnx$/, `${suffix}.onnx`)}`, content, lfs: true });
  }
  return files;
}

export class FakeHub {
  readonly log: RequestLog[] = [];
  faults: HubFaults = {};
  private server: Server;
  private dropped = false;
  private stalled = false;
  url = '';

  constructor(
    readonly repo: string,
    readonly files: RepoFileContent[],
    readonly commit = COMMIT,
  ) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** Requests for file contents (not the API), as "path range". */
  contentRequests(): RequestLog[] {
    return this.log.filter((l) => l.url.startsWith('/cdn/') || l.url.includes('/resolve/'));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.log.push({
      method: req.method ?? 'GET',
      url: url.pathname,
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
    if (
      this.faults.requireToken &&
      req.headers.authorization !== `Bearer ${this.faults.requireToken}`
    )
      return json(res, 401, { error: 'Access to model is restricted. You must be authenticated.' });
    const path = decodeURIComponent(url.pathname);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree)\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (api) return this.api(res, api[1], api[2], api[3], api[4]);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve) return this.resolve(req, res, resolve[1], resolve[2], resolve[3]);
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    const file = cdn && this.files.find((f) => f.lfs && sha256(f.content) === cdn[1]);
    if (file) return this.content(req, res, file);
    json(res, 404, { error: 'Not found' });
  }

  private knows(repo: string, rev: string): boolean {
    return repo === this.repo && (rev === 'main' || rev === this.commit);
  }

  private api(res: ServerResponse, repo: string, route: string, rev: string, sub?: string) {
    if (repo !== this.repo) return json(res, 404, { error: 'Repository not found' });
    if (!this.knows(repo, rev)) return json(res, 404, { error: 'Invalid rev id' });
    if (route === 'revision')
      return json(res, 200, {
        _id: 'x',
        id: repo,
        sha: this.commit,
        private: false,
        downloads: 0,
        likes: 0,
        gated: false,
        lastModified: '2025-01-01T00:00:00.000Z',
      });
    const prefix = sub ? `${sub}/` : '';
    const entries = this.files
      .filter((f) => f.path.startsWith(prefix))
      .map((f) => ({
        type: 'file',
        oid: gitOid(f.content),
        size: f.content.length,
        path: f.path,
        ...(f.lfs
          ? { lfs: { oid: sha256(f.content), size: f.content.length, pointerSize: 134 } }
          : {}),
      }));
    json(res, 200, [{ type: 'directory', oid: 'd'.repeat(40), size: 0, path: 'onnx' }, ...entries]);
  }

  private resolve(
    req: IncomingMessage,
    res: ServerResponse,
    repo: string,
    rev: string,
    path: string,
  ) {
    const file = this.knows(repo, rev) ? this.files.find((f) => f.path === path) : undefined;
    if (!file) {
      res.writeHead(404, { 'X-Error-Code': 'EntryNotFound' }).end();
      return;
    }
    const headers = { 'X-Repo-Commit': this.commit };
    if (!file.lfs) {
      res.setHeader('ETag', `"${gitOid(file.content)}"`);
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      return this.content(req, res, file);
    }
    res
      .writeHead(302, {
        ...headers,
        Location: `/cdn/${sha256(file.content)}`,
        'X-Linked-Etag': `"${sha256(file.content)}"`,
        'X-Linked-Size': String(file.content.length),
      })
      .end();
  }

  /** Copies under several dtype suffixes share one blob, so faults follow the content. */
  private sameContent(path: string | undefined, file: RepoFileContent): boolean {
    const target = path && this.files.find((f) => f.path === path);
    return !!target && target.content.equals(file.content);
  }

  private content(req: IncomingMessage, res: ServerResponse, file: RepoFileContent) {
    const delay = this.faults.contentDelayMs;
    if (delay) {
      setTimeout(() => this.send(req, res, file), delay);
      return;
    }
    this.send(req, res, file);
  }

  private send(req: IncomingMessage, res: ServerResponse, file: RepoFileContent) {
    let body = file.content;
    if (this.sameContent(this.faults.corrupt, file)) {
      body = Buffer.from(body);
      body[body.length >> 1] ^= 0xff;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Number(range[2]) + 1 : body.length;
    const slice = body.subarray(start, end);
    res.writeHead(range ? 206 : 200, {
      'Content-Length': String(slice.length),
      'Accept-Ranges': 'bytes',
      ...(range ? { 'Content-Range': `bytes ${start}-${end - 1}/${body.length}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    const drop = this.faults.dropOnce;
    if (
      drop &&
      this.sameContent(drop.path, file) &&
      !this.dropped &&
      slice.length > drop.afterBytes
    ) {
      this.dropped = true;
      res.write(slice.subarray(0, drop.afterBytes), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    const stall = this.faults.stallOnce;
    if (
      stall &&
      this.sameContent(stall.path, file) &&
      !this.stalled &&
      slice.length > stall.afterBytes
    ) {
      this.stalled = true;
      res.write(slice.subarray(0, stall.afterBytes));
      return;
    }
    res.end(slice);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
