import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generatedFiles, scratchPaths } from '../../../test-support/output-tree.js';
import {
  acquireRepositoryLock,
  processStartTime,
  replaceTree,
  REPOSITORY_LOCK_FILE,
  RepositoryLockedError,
  swapDirectory,
  withRepositoryLock,
  writeFileAtomic,
} from '../src/index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../../..');
const INJECTOR = path.join(REPO_ROOT, 'test-support/fault-injector.mjs');
const WRITER = path.join(HERE, 'fixtures/write-tree.mjs');

const OLD_FILES = {
  'controllers/a.yaml': 'a: old\n',
  'controllers/kustomization.yaml': 'k: 1\n',
  'node/n.yaml': 'n: 1\n',
  'stale/gone.yaml': 'gone: true\n',
};
const NEW_FILES = {
  'controllers/a.yaml': 'a: new\n',
  'controllers/kustomization.yaml': 'k: 1\n',
  'node/n.yaml': 'n: 1\n',
  'tenants/t.yaml': 't: 1\n',
};
const OLD = new Map(Object.entries(OLD_FILES));
const NEW = new Map(Object.entries(NEW_FILES));
const INPUT = '# cluster.yaml, the input\nname: demo\n';

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

let gitTemplate: string | undefined;

/** A git repository with the project's .gitignore and clusters/demo holding cluster.yaml and, unless `empty`, the old tree. */
function repo(empty = false): string {
  if (!gitTemplate) {
    gitTemplate = mkdtempSync(path.join(tmpdir(), 'ck8s-atomic-template-'));
    temporary.push(gitTemplate);
    cpSync(path.join(REPO_ROOT, '.gitignore'), path.join(gitTemplate, '.gitignore'));
    expect(spawnSync('git', ['init', '-q'], { cwd: gitTemplate }).status).toBe(0);
  }
  const root = mkdtempSync(path.join(tmpdir(), 'ck8s-atomic-'));
  temporary.push(root);
  cpSync(gitTemplate, root, { recursive: true });
  const dir = path.join(root, 'clusters/demo');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'cluster.yaml'), INPUT);
  if (!empty) {
    for (const [file, content] of OLD) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
  }
  return root;
}

function write(root: string, env: Record<string, string> = {}): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', INJECTOR, WRITER, root, 'demo', JSON.stringify(NEW_FILES)], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

/** The generated files of clusters/demo. */
const tree = (root: string): Map<string, string> => generatedFiles(path.join(root, 'clusters/demo'));
const scratch = scratchPaths;

describe('replacing a cluster folder survives a crash at any point', () => {
  for (const empty of [false, true]) {
    const what = empty ? 'a first write' : 'a replacement';
    it(`leaves the old or the new tree, nothing git would commit, and a next run that finishes the job (${what}, killed at each change)`, () => {
      // kill at change 1, 2, ... until a run gets through: every change has then been a kill point
      let n = 1;
      for (; ; n++) {
        const root = repo(empty);
        const run = write(root, { CK8S_FAULT: `kill:any:${n}` });
        if (run.status === 0) break;
        expect(run.signal, `change ${n}: ${run.stderr}`).toBe('SIGKILL');
        const state = tree(root);
        // the old state of a first write is a folder holding only cluster.yaml
        const old = empty ? new Map<string, string>() : OLD;
        expect([old, NEW], `killed at change ${n}`).toContainEqual(state);
        expect(readFileSync(path.join(root, 'clusters/demo/cluster.yaml'), 'utf8')).toBe(INPUT);
        const leftovers = scratch(root);
        if (leftovers.length > 0) {
          const ignored = spawnSync('git', ['check-ignore', ...leftovers], { cwd: root, encoding: 'utf8' })
            .stdout.trim()
            .split('\n');
          expect(ignored, `killed at change ${n}: every leftover is gitignored`).toEqual(leftovers);
        }
        // the next run (in this process: it needs no fault injection) finishes the job and cleans up
        expect(withRepositoryLock(root, () => replaceTree(path.join(root, 'clusters/demo'), NEW, { keep: ['cluster.yaml'] }))).toBe(
          !isDeepStrictEqual(state, NEW),
        );
        expect(tree(root)).toEqual(NEW);
        expect(readFileSync(path.join(root, 'clusters/demo/cluster.yaml'), 'utf8')).toBe(INPUT);
        expect(scratch(root), `after a kill at change ${n}, the next run leaves no scratch`).toEqual([]);
      }
      // the lock, the staging folder, its files, the swap, the clean-up, the release
      expect(n).toBeGreaterThan(10);
    }, 300_000);
  }

  it('lets overlapping runs take turns: both succeed and the tree is whole', async () => {
    const root = repo();
    const run = (): Promise<number | null> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', INJECTOR, WRITER, root, 'demo', JSON.stringify(NEW_FILES)], {
          env: { ...process.env, CK8S_FAULT: 'delay:any:20' },
          stdio: 'ignore',
        });
        child.on('close', resolve);
      });
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    expect(tree(root)).toEqual(NEW);
    expect(scratch(root)).toEqual([]);
  }, 120_000);
});

describe('the repository lock', () => {
  function lockRoot(): string {
    const root = mkdtempSync(path.join(tmpdir(), 'ck8s-lock-'));
    temporary.push(root);
    return root;
  }

  /** The pid of a process that has ended. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  }

  it('is exclusive, re-entrant in one process, and removed when released', () => {
    const root = lockRoot();
    const lock = acquireRepositoryLock(root);
    const file = path.join(root, REPOSITORY_LOCK_FILE);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(withRepositoryLock(root, () => 'nested')).toBe('nested');
    expect(existsSync(file)).toBe(true);
    lock.release();
    expect(existsSync(file)).toBe(false);
  });

  it('takes over the lock of a process that died (killed, crashed)', () => {
    const root = lockRoot();
    writeFileSync(path.join(root, REPOSITORY_LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const waits: number[] = [];
    const lock = acquireRepositoryLock(root, { timeoutMs: 1000, onWait: (h) => waits.push(h.pid) });
    expect(waits).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(root, REPOSITORY_LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(readdirSync(root)).toEqual([]);
  });

  it('takes over a lock whose pid now belongs to a younger process (Linux)', () => {
    const started = processStartTime(process.ppid);
    if (started === undefined) return; // no /proc: pids are only checked for life
    const root = lockRoot();
    writeFileSync(
      path.join(root, REPOSITORY_LOCK_FILE),
      JSON.stringify({ pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00.000Z', startedAt: `${started}0` }),
    );
    acquireRepositoryLock(root, { timeoutMs: 500 }).release();
  });

  it('waits for a live holder, then fails naming it', () => {
    const root = lockRoot();
    // the test runner's parent is alive for the whole test
    const holder = { pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00.000Z' };
    writeFileSync(path.join(root, REPOSITORY_LOCK_FILE), JSON.stringify(holder));
    const waits: number[] = [];
    let error: unknown;
    try {
      acquireRepositoryLock(root, { timeoutMs: 400, onWait: (h) => waits.push(h.pid) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RepositoryLockedError);
    expect((error as Error).message).toContain(
      `another ck8s command (pid ${process.ppid}, since 2026-01-01T00:00:00.000Z) is writing this repository`,
    );
    expect(waits).toEqual([process.ppid]);
    // the holder's lock is untouched
    expect(JSON.parse(readFileSync(path.join(root, REPOSITORY_LOCK_FILE), 'utf8'))).toEqual(holder);
  });
});

describe('swapDirectory and writeFileAtomic', () => {
  it('swaps a folder in whole, and creates a missing one', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ck8s-swap-'));
    temporary.push(root);
    const target = path.join(root, 'out');
    for (const [name, content] of [
      ['.ck8s-a', 'first'],
      ['.ck8s-b', 'second'],
    ] as const) {
      mkdirSync(path.join(root, name));
      writeFileSync(path.join(root, name, 'file'), content);
    }
    swapDirectory(path.join(root, '.ck8s-a'), target);
    expect(readFileSync(path.join(target, 'file'), 'utf8')).toBe('first');
    swapDirectory(path.join(root, '.ck8s-b'), target);
    expect(readFileSync(path.join(target, 'file'), 'utf8')).toBe('second');
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('refuses to write over a folder, naming it', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ck8s-write-'));
    temporary.push(root);
    expect(() => writeFileAtomic(root, 'x')).toThrow(`cannot write ${root}: it is a folder; give the path of a file`);
    writeFileAtomic(path.join(root, 'file'), 'content', 0o600);
    expect(readFileSync(path.join(root, 'file'), 'utf8')).toBe('content');
    expect(lstatSync(path.join(root, 'file')).mode & 0o777).toBe(0o600);
    expect(readdirSync(root)).toEqual(['file']);
  });
});
