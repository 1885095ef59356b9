import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitUnavailableError, gitText } from '../src/base.js';

describe('gitText', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ck8s-git-'));
  execFileSync('git', ['init', '-q'], { cwd: root });
  writeFileSync(path.join(root, 'a.txt'), 'hello\n');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('takes the exit statuses it is told are success, such as git grep finding nothing', async () => {
    expect(await gitText(root, ['grep', '-l', '--untracked', '-e', 'absent'], { successExitCodes: [0, 1] })).toBe('');
    expect(await gitText(root, ['grep', '-l', '--untracked', '-e', 'hello'], { successExitCodes: [0, 1] })).toBe('a.txt\n');
  });

  it('rejects any other exit status', async () => {
    await expect(gitText(root, ['grep', '-l', '--untracked', '-e', 'absent'])).rejects.toThrow(/^git grep failed/);
    await expect(gitText(root, ['grep', '-E', '-e', '('], { successExitCodes: [0, 1] })).rejects.toThrow(/^git grep failed/);
  });

  it('says when the folder is no git repository', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'ck8s-nogit-'));
    try {
      await expect(gitText(outside, ['grep', '--untracked', '-e', 'x'], { successExitCodes: [0, 1] })).rejects.toThrow(GitUnavailableError);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
