import { describe, expect, it, vi } from 'vitest';
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

  it('gives up at once when aborted, before probing or sleeping', async () => {
    // timers that never fire: a wait that slept even once would still be pending after a turn of the event loop
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      let probes = 0;
      const wait = waitUntil(
        () => {
          probes++;
          return undefined;
        },
        { what: 'etcd', timeoutMs: 10_000, abort: () => 'exited with code 1' },
      );
      const outcome = await Promise.race([
        wait.then(
          () => 'resolved',
          (e: unknown) => e,
        ),
        new Promise((resolve) => setImmediate(resolve, 'pending')),
      ]);
      expect(outcome).toBeInstanceOf(WaitTimeoutError);
      expect((outcome as Error).message).toBe('etcd: exited with code 1');
      expect(probes).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
