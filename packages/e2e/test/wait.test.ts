import { describe, expect, it } from 'vitest';
import { WaitTimeoutError, waitUntil } from '../src/wait.js';

describe('waitUntil', () => {
  it('returns the first defined value of the probe, retrying errors', async () => {
    let calls = 0;
    const value = await waitUntil(
      () => {
        calls++;
        if (calls === 1) throw new Error('not yet');
        return calls === 3 ? 'done' : undefined;
      },
      { what: 'the thing', intervalMs: 1 },
    );
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('times out naming what it waited for, its last error and the details', async () => {
    const wait = waitUntil(
      () => {
        throw new Error('connection refused');
      },
      { what: 'kube-apiserver /readyz', timeoutMs: 50, intervalMs: 10, details: () => 'log tail' },
    );
    await expect(wait).rejects.toThrow(WaitTimeoutError);
    await expect(wait).rejects.toThrow(/timed out after 0s waiting for kube-apiserver \/readyz \(last error: connection refused\)\nlog tail/);
  });

  it('gives up at once when aborted', async () => {
    const started = Date.now();
    await expect(waitUntil(() => undefined, { what: 'etcd', timeoutMs: 10_000, abort: () => 'exited with code 1' })).rejects.toThrow('etcd: exited with code 1');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
