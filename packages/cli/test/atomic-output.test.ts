import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { generatedFiles, scratchPaths } from '../../../test-support/output-tree.js';
import { copyRepo, REPO_ROOT } from './repo-fixture.js';

/** The built CLI, run as a child process so it can be killed for real. */
const CLI = path.join(REPO_ROOT, 'packages/cli/bin/ck8s.js');
const INJECTOR = path.join(REPO_ROOT, 'test-support/fault-injector.mjs');
const CLUSTER = 'demo-wc';

interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function synth(repo: string, fault?: string, counts?: string): Run {
  const env = { ...process.env, ...(fault ? { CK8S_FAULT: fault } : {}), ...(counts ? { CK8S_FAULT_COUNTS: counts } : {}) };
  const r = spawnSync(process.execPath, ['--import', INJECTOR, CLI, 'synth', CLUSTER], { cwd: repo, env, encoding: 'utf8' });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The generated files of the demo cluster. */
function outputTree(repo: string): Map<string, string> {
  return generatedFiles(path.join(repo, 'clusters', CLUSTER));
}

/** Resolves once `condition` holds, checking every 50 ms (the test's timeout bounds the wait). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
}

function sameTree(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([file, content]) => b.get(file) === content);
}

describe('the output of synth is replaced atomically under a repository lock', () => {
  let template: string;
  let before: Map<string, string>;
  let after: Map<string, string>;
  let edited: string;

  beforeAll(() => {
    // a repository whose demo-wc output is committed, and whose cluster.yaml then gains a tenant
    template = copyRepo();
    cpSync(path.join(REPO_ROOT, '.gitignore'), path.join(template, '.gitignore'));
    expect(spawnSync('git', ['init', '-q'], { cwd: template }).status).toBe(0);
    before = outputTree(template);
    const config = path.join(template, 'clusters', CLUSTER, 'cluster.yaml');
    edited = readFileSync(config, 'utf8').replace('tenants:\n', 'tenants:\n  - name: team-c\n');
    writeFileSync(config, edited);
    const fresh = fresh_();
    expect(synth(fresh)).toMatchObject({ status: 0 });
    after = outputTree(fresh);
    expect(sameTree(before, after)).toBe(false);
  });
  afterAll(() => rmSync(template, { recursive: true, force: true }));

  const copies: string[] = [];
  function fresh_(): string {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ck8s-crash-')), 'repo');
    cpSync(template, dir, { recursive: true, verbatimSymlinks: true });
    copies.push(dir);
    return dir;
  }
  afterAll(() => {
    for (const dir of copies) rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  /** A killed run left the old or the new tree and nothing git would see; the next run finishes the job and removes every scratch entry. */
  function expectOldOrNew(repo: string, what: string): void {
    const tree = outputTree(repo);
    const state = sameTree(tree, before)
      ? 'old'
      : sameTree(tree, after)
        ? 'new'
        : `neither (${[...before.keys()].filter((f) => !tree.has(f)).length} file(s) of the old tree missing)`;
    expect(state, what).toMatch(/^(old|new)$/);
    expect(readFileSync(path.join(repo, 'clusters', CLUSTER, 'cluster.yaml'), 'utf8'), what).toBe(edited);
    for (const leftover of scratchPaths(repo)) {
      expect(spawnSync('git', ['check-ignore', '-q', leftover], { cwd: repo }).status, `${what}: ${leftover} is not gitignored`).toBe(0);
    }
    const again = synth(repo);
    expect(again.status, `${what}: the next synth failed: ${again.stderr}`).toBe(0);
    expect(sameTree(outputTree(repo), after), what).toBe(true);
    expect(scratchPaths(repo), what).toEqual([]);
  }

  it('leaves the old or the new tree when killed at any rename', () => {
    const counted = fresh_();
    const countsFile = path.join(path.dirname(counted), 'counts.json');
    expect(synth(counted, undefined, countsFile).status).toBe(0);
    const { rename } = JSON.parse(readFileSync(countsFile, 'utf8')) as { rename: number };
    expect(rename).toBeGreaterThan(0);
    for (let n = 1; n <= rename; n++) {
      const repo = fresh_();
      const run = synth(repo, `kill:rename:${n}`);
      expect(run.signal, `rename ${n}`).toBe('SIGKILL');
      expectOldOrNew(repo, `killed at rename ${n} of ${rename}`);
    }
  }, 600_000);

  it('leaves the old or the new tree when killed at any other change of the file system', () => {
    const counted = fresh_();
    const countsFile = path.join(path.dirname(counted), 'counts.json');
    expect(synth(counted, undefined, countsFile).status).toBe(0);
    const { any } = JSON.parse(readFileSync(countsFile, 'utf8')) as { any: number };
    // taking the lock, a file of the staging folder half-way, releasing the lock; every single
    // change is covered by core's test of the writer (packages/core/test/atomic-output.test.ts)
    const points = [...new Set([1, Math.ceil(any / 2), any].filter((n) => n >= 1 && n <= any))];
    for (const n of points) {
      const repo = fresh_();
      expect(synth(repo, `kill:any:${n}`).signal, `change ${n}`).toBe('SIGKILL');
      expectOldOrNew(repo, `killed at change ${n} of ${any}`);
    }
  }, 600_000);

  it('lets two overlapping runs finish one after the other, the output whole', async () => {
    const repo = fresh_();
    const gate = path.join(path.dirname(repo), 'gate');
    const children: ChildProcess[] = [];
    const start = (env: Record<string, string>): { run: Promise<Run>; stderr: () => string } => {
      const child = spawn(process.execPath, ['--import', INJECTOR, CLI, 'synth', CLUSTER], { cwd: repo, env: { ...process.env, ...env } });
      children.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      return {
        run: new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }))),
        stderr: () => stderr,
      };
    };
    // a run held at the gate must not outlive a failed test (a timeout included)
    onTestFinished(() => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    // the first run takes the lock and is held before its first rename (in the swap) until the gate opens
    const first = start({ CK8S_FAULT: 'pause:rename:1', CK8S_FAULT_GATE: gate });
    await until(() => existsSync(path.join(repo, '.ck8s-lock')));
    // the second finds the lock taken and says it waits; only then does the first go on
    const second = start({});
    await until(() => second.stderr().includes('waiting'));
    writeFileSync(gate, '');
    const [a, b] = await Promise.all([first.run, second.run]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(a.stdout).toBe(`synth: 1 cluster(s), ${after.size} files, changed: ${CLUSTER}\n`);
    expect(b.stdout).toBe(`synth: 1 cluster(s), ${after.size} files, no changes\n`);
    expect(a.stderr).toBe('');
    expect(b.stderr).toMatch(/^ck8s: waiting for another ck8s command \(pid \d+\) to finish writing this repository \(\.ck8s-lock\)\n$/);
    expect(sameTree(outputTree(repo), after)).toBe(true);
    expect(scratchPaths(repo)).toEqual([]);
  }, 300_000);
});
