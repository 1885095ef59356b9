import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManagedProcess, groupAlive, liveProcesses, processAlive } from '../src/process.js';
import { waitUntil } from '../src/wait.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ck8s-e2e-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(name: string, script: string): ManagedProcess {
  return ManagedProcess.start({ name, command: '/bin/sh', args: ['-c', script], logFile: path.join(dir, `${name}.log`) });
}

describe('ManagedProcess', () => {
  it('stops the whole process group, children included', async () => {
    const p = start('group', 'sleep 30 & sleep 30');
    expect(p.running).toBe(true);
    await p.stop();
    expect(p.running).toBe(false);
    expect(processAlive(p.pid)).toBe(false);
    expect(groupAlive(p.pid)).toBe(false);
    expect(liveProcesses().map((l) => l.pid)).not.toContain(p.pid);
  });

  it('kills a process that ignores SIGTERM after the grace period', async () => {
    const p = start('stubborn', 'trap "" TERM; echo trapped; sleep 30 & wait');
    await waitUntil(() => (p.tail(1) === 'trapped' ? true : undefined), { what: 'the trap', timeoutMs: 5_000, intervalMs: 10 });
    const started = Date.now();
    await p.stop(300);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(p.exitStatus?.signal).toBe('SIGKILL');
    expect(groupAlive(p.pid)).toBe(false);
  });

  it('keeps the output in its log file and reports how it exited', async () => {
    const p = start('chatty', 'echo one; echo two >&2; exit 3');
    expect(await p.exited).toEqual({ code: 3, signal: null });
    expect(p.tail(1)).toBe('two');
    expect(p.tail(5)).toBe('one\ntwo');
    await p.stop(); // stopping an exited process is fine
  });

  it('gives the child only the environment it is told, plus PATH', async () => {
    process.env.CK8S_E2E_LEAK = 'leaked';
    const p = ManagedProcess.start({ name: 'env', command: '/bin/sh', args: ['-c', 'echo "[$CK8S_E2E_LEAK][$OWN]"'], env: { OWN: 'own' }, logFile: path.join(dir, 'env.log') });
    await p.exited;
    delete process.env.CK8S_E2E_LEAK;
    expect(p.tail(1)).toBe('[][own]');
  });
});
