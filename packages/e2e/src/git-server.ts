import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';

export interface GitServerOptions {
  /** Folder that holds the bare repositories. @default a new temporary folder, removed by stop() */
  root?: string;
  /** Port on 127.0.0.1. @default a free port chosen by the system */
  port?: number;
}

/**
 * Git's smart HTTP protocol on 127.0.0.1 (Flux only accepts http, https and ssh URLs): a Node
 * HTTP server that runs `git http-backend` as a CGI program per request. Pushes are allowed
 * without authentication; everything is local to this machine.
 */
export class GitServer {
  private constructor(
    private readonly server: http.Server,
    /** Folder of the bare repositories. */
    readonly root: string,
    /** The port it listens on, on 127.0.0.1. */
    readonly port: number,
    private readonly ownsRoot: boolean,
  ) {}

  /** Starts the server; it serves every bare repository under its root. */
  static async start(options: GitServerOptions = {}): Promise<GitServer> {
    const root = options.root ?? mkdtempSync(path.join(tmpdir(), 'ck8s-e2e-git-'));
    mkdirSync(root, { recursive: true });
    const backend = (await execa('git', ['--exec-path'])).stdout.trim();
    const server = http.createServer((request, response) => serveCgi(path.join(backend, 'git-http-backend'), root, request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return new GitServer(server, root, (server.address() as AddressInfo).port, options.root === undefined);
  }

  /** The clone URL of a repository, e.g. `http://127.0.0.1:41234/fleet.git`. */
  url(repository: string): string {
    return `http://127.0.0.1:${this.port}/${repositoryFolder(repository)}`;
  }

  /**
   * Creates an empty bare repository that accepts pushes over HTTP, and returns its URL.
   * @param branch the branch HEAD names. @default 'main'
   */
  async createRepository(repository: string, branch = 'main'): Promise<string> {
    const dir = path.join(this.root, repositoryFolder(repository));
    await execa('git', ['init', '--quiet', '--bare', `--initial-branch=${branch}`, dir], { env: gitEnv() });
    // http-backend refuses receive-pack to anonymous users unless the repository allows it
    await execa('git', ['config', 'http.receivepack', 'true'], { cwd: dir, env: gitEnv() });
    return this.url(repository);
  }

  /** Stops listening, ends open connections and removes the root it created. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    if (this.ownsRoot) rmSync(this.root, { recursive: true, force: true });
  }
}

/** `fleet` and `fleet.git` both name the folder `fleet.git`; no path separators. */
function repositoryFolder(repository: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(repository) || repository.startsWith('.'))
    throw new Error(`invalid repository name ${JSON.stringify(repository)}: use letters, digits, '.', '_' and '-'`);
  return repository.endsWith('.git') ? repository : `${repository}.git`;
}

/** Environment for git commands that ignores the user's and the system's configuration. */
export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'ck8s e2e',
    GIT_AUTHOR_EMAIL: 'e2e@ck8s.invalid',
    GIT_COMMITTER_NAME: 'ck8s e2e',
    GIT_COMMITTER_EMAIL: 'e2e@ck8s.invalid',
    ...extra,
  };
}

/** Runs git-http-backend for one request (RFC 3875 CGI) and relays its answer. */
function serveCgi(backend: string, root: string, request: http.IncomingMessage, response: http.ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
    REQUEST_METHOD: request.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: request.headers['content-type'] ?? '',
    REMOTE_ADDR: request.socket.remoteAddress ?? '127.0.0.1',
  };
  if (request.headers['content-length']) env.CONTENT_LENGTH = request.headers['content-length'];
  // every request header as HTTP_*: http-backend reads HTTP_CONTENT_ENCODING (gzip bodies) and
  // GIT_PROTOCOL (protocol v2, which go-git and git send)
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = value;
  }
  if (request.headers['git-protocol']) env.GIT_PROTOCOL = request.headers['git-protocol'] as string;

  const child = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  child.on('error', (e) => fail(response, `git http-backend: ${e.message}`));
  request.pipe(child.stdin);
  child.stdin.on('error', () => {
    // the backend may answer (e.g. 404) before reading the whole body
  });

  // the CGI answer: header lines, a blank line, then the body, streamed through as it comes
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = findHeaderEnd(head);
    if (end === undefined) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end.index).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else response.setHeader(name, value);
    }
    response.writeHead(status);
    response.write(head.subarray(end.index + end.length));
  });
  child.on('close', (code) => {
    if (!headersDone) fail(response, `git http-backend exited with ${code} before answering: ${stderr.trim()}`);
    else response.end();
  });
}

function findHeaderEnd(buffer: Buffer): { index: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return undefined;
}

function fail(response: http.ServerResponse, message: string): void {
  if (response.headersSent) {
    response.destroy(new Error(message));
    return;
  }
  response.writeHead(500, { 'content-type': 'text/plain' });
  response.end(`${message}\n`);
}
