import { it } from 'vitest';
import { LocalCluster, conditionsOf } from '../src/index.js';
it('node timeline', async () => {
  const c = new LocalCluster({ flux: false, git: false, nodes: 0 });
  try {
    await c.start();
    const t0 = Date.now();
    await c.client.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', annotations: { 'kwok.x-k8s.io/node': 'fake' } }, status: { capacity: { pods: '10' }, allocatable: { pods: '10' } } } as any);
    let last = '';
    for (let i = 0; i < 100; i++) {
      const n = await c.client.get({ apiVersion: 'v1', kind: 'Node', name: 'n' });
      const s = `ready=${conditionsOf(n).find((x) => x.type === 'Ready')?.status} taints=${JSON.stringify((n?.spec as any)?.taints ?? [])}`;
      if (s !== last) { console.log(Date.now() - t0, s); last = s; }
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(c.logs('kube-controller-manager', 400).split('\n').filter((l) => /node_lifecycle|taint|Starting controller|Started controller|cidr/i.test(l)).slice(0, 40).join('\n'));
  } finally { await c.stop(); }
}, 120_000);
