import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPOSITORY_LOCK_FILE, RepositoryLockedError } from '@ck8s/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFleetContext, synthesizeFleet } from '../src/index.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A repository with settings and the chart catalog and no cluster yet. */
function emptyRepository(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ck8s-platform-lock-'));
  roots.push(root);
  writeFileSync(path.join(root, 'ck8s.config.yaml'), '# test repository\n');
  mkdirSync(path.join(root, 'charts'));
  cpSync(path.join(REPO_ROOT, 'charts/catalog.yaml'), path.join(root, 'charts/catalog.yaml'));
  return root;
}

describe('synthesizeFleet holds the repository lock', () => {
  it('waits for a live holder and then fails naming it, writing nothing', async () => {
    const root = emptyRepository();
    // the test runner's parent process is alive for the whole test
    const holder = { pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00.000Z' };
    writeFileSync(path.join(root, REPOSITORY_LOCK_FILE), JSON.stringify(holder));
    const waited: number[] = [];
    await expect(synthesizeFleet(loadFleetContext(root), [], { timeoutMs: 300, onWait: (h) => waited.push(h.pid) })).rejects.toThrow(
      RepositoryLockedError,
    );
    expect(waited).toEqual([process.ppid]);
    expect(existsSync(path.join(root, '.sops.yaml'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(root, REPOSITORY_LOCK_FILE), 'utf8'))).toEqual(holder);
  });

  it('takes over the lock of a run that was killed, and releases it when done', async () => {
    const root = emptyRepository();
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    writeFileSync(path.join(root, REPOSITORY_LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    expect(await synthesizeFleet(loadFleetContext(root), [], { timeoutMs: 300 })).toMatchObject({ clusters: 0, changed: [] });
    expect(existsSync(path.join(root, REPOSITORY_LOCK_FILE))).toBe(false);
  });
});
