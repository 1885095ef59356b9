import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
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
    await p.stop(300);
    // killed, not waited for: its sleep would have ended it with a code and no signal
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
    const p = ManagedProcess.start({
      name: 'env',
      command: '/bin/sh',
      args: ['-c', 'echo "[$CK8S_E2E_LEAK][$OWN]"'],
      env: { OWN: 'own' },
      logFile: path.join(dir, 'env.log'),
    });
    await p.exited;
    delete process.env.CK8S_E2E_LEAK;
    expect(p.tail(1)).toBe('[][own]');
  });
});

describe('a Node process that dies without cleaning up', () => {
  // the parent-death signal comes from util-linux's setpriv; without it, only stop() and the exit hook clean up
  it.skipIf(!existsSync('/usr/bin/setpriv'))('takes its managed processes with it', async () => {
    // run process.ts in a separate Node process (transpiled: Node 20 runs no TypeScript), then SIGKILL that process
    const source = readFileSync(new URL('../src/process.ts', import.meta.url), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(path.join(dir, 'process.mjs'), js);
    writeFileSync(
      path.join(dir, 'main.mjs'),
      `import { ManagedProcess } from './process.mjs';\nconst p = ManagedProcess.start({ name: 'orphan', command: '/bin/sleep', args: ['60'], logFile: ${JSON.stringify(path.join(dir, 'orphan.log'))} });\nprocess.stdout.write(p.pid + '\\n');\nsetInterval(() => {}, 1000);\n`,
    );
    // plain stdout (not console.log, which colours numbers when FORCE_COLOR is set, as under nx)
    const parent = spawn(process.execPath, [path.join(dir, 'main.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (chunk: Buffer) => resolve(Number.parseInt(chunk.toString(), 10))),
      );
      expect(processAlive(pid)).toBe(true);
      parent.kill('SIGKILL');
      await waitUntil(() => (processAlive(pid) ? undefined : true), { what: `pid ${pid} to die with its parent`, timeoutMs: 10_000, intervalMs: 50 });
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
