import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitServer, gitEnv } from '../src/git-server.js';
import { GitWorkTree } from '../src/git-worktree.js';

let server: GitServer;
const scratch = mkdtempSync(path.join(tmpdir(), 'ck8s-e2e-git-test-'));

beforeAll(async () => {
  server = await GitServer.start();
});
afterAll(async () => {
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('GitServer', () => {
  it('accepts pushes and serves clones over smart HTTP on 127.0.0.1', async () => {
    const url = await server.createRepository('fleet');
    expect(url).toBe(`http://127.0.0.1:${server.port}/fleet.git`);
    const tree = await GitWorkTree.init(url, { dir: path.join(scratch, 'tree') });
    tree.write({ 'apps/a.yaml': 'a: 1\n', 'apps/b.yaml': 'b: 2\n' });
    const first = await tree.commitAndPush('first');
    tree.remove('apps/b.yaml');
    const second = await tree.commitAndPush('second');
    expect(second).not.toBe(first);

    const { stdout } = await execa('git', ['ls-remote', url, 'refs/heads/main'], { env: gitEnv() });
    expect(stdout.split('\t')[0]).toBe(second);
    const clone = path.join(scratch, 'clone');
    await execa('git', ['clone', '--quiet', '--branch', 'main', url, clone], { env: gitEnv() });
    expect(readFileSync(path.join(clone, 'apps', 'a.yaml'), 'utf8')).toBe('a: 1\n');
    expect((await execa('git', ['ls-files'], { cwd: clone, env: gitEnv() })).stdout).toBe('apps/a.yaml');
  });

  it('answers 404 for a repository that does not exist', async () => {
    const response = await fetch(`${server.url('missing')}/info/refs?service=git-upload-pack`);
    expect(response.status).toBe(404);
  });

  it('refuses repository names with path separators', async () => {
    await expect(server.createRepository('../escape')).rejects.toThrow('invalid repository name');
  });
});
