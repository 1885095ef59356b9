import { it, expect } from 'vitest';
import { LocalCluster } from '/work/main/packages/e2e/src/index.js';
it('starts without flux', async () => {
  const c = new LocalCluster({ flux: false, keepDataDir: true });
  try {
    await c.start();
    console.log(c.timings, c.dataDir);
    console.log(JSON.stringify(await c.client.list('v1', 'Node'), null, 1).slice(0, 3000));
    await c.createNamespace('x');
    await c.client.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    const p = await c.client.waitFor({ apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'x' }, (o) => (o?.status as any)?.phase === 'Running');
    console.log(JSON.stringify(p?.status));
  } finally {
    console.log(await c.stop());
  }
}, 300_000);
