import { describe, expect, it } from 'vitest';
import { scanMigration } from '../src/index.js';
import { demoTarget } from './aks-shop.js';

const target = demoTarget();

/** A Deployment `app` in namespace `team` with one container, changed by `change`. */
function deployment(change: (pod: any, container: any) => void = () => {}): unknown {
  const container: any = { name: 'app', image: 'registry.demo-sc.example.com/team/app:1.0.0', env: [] };
  const pod: any = { containers: [container] };
  change(pod, container);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', namespace: 'team' },
    spec: { selector: { matchLabels: { app: 'app' } }, template: { metadata: { labels: { app: 'app' } }, spec: pod } },
  };
}

function scan(...objects: unknown[]) {
  return scanMigration(
    objects.map((object) => ({ file: 'in.yaml', object })),
    target,
    ['in.yaml'],
  ).scan;
}

const env = (value: string) => deployment((_, c) => c.env.push({ name: 'ENDPOINT', value }));

describe('Azure dependencies beyond the shop', () => {
  it.each([
    ['Server=tcp:orders-sql.database.windows.net,1433;Database=orders;User ID=app;Password=pw;', 'azure-sql:orders-sql', 'data-store'],
    ['mysql://app:pw@shop-mysql.mysql.database.azure.com:3306/shop', 'mysql:shop-mysql', 'data-store'],
    ['shop-maria.mariadb.database.azure.com', 'mariadb:shop-maria', 'data-store'],
    ['https://shoptables.table.core.windows.net/', 'table-storage:shoptables', 'data-store'],
    ['https://shop-docs.table.cosmos.azure.com:443/', 'cosmos-db:shop-docs', 'data-store'],
    ['https://shopqueues.queue.core.windows.net/orders', 'queue-storage:shopqueues', 'bus'],
    ['https://shopmedia.blob.core.windows.net/images?sv=2022-11-02&sig=abc', 'blob-storage:shopmedia', 'object-storage'],
    ['\\\\shopfiles.file.core.windows.net\\share', 'file-share:shopfiles', 'storage'],
    ['https://shop-kv.vault.azure.net/secrets/db', 'key-vault:shop-kv', 'secrets'],
    ['https://shop-ai.openai.azure.com/openai/deployments/gpt', 'openai:shop-ai', 'external-api'],
    ['https://shop-vision.cognitiveservices.azure.com/', 'cognitive-services:shop-vision', 'external-api'],
    ['https://login.microsoftonline.com/0a1b2c3d/v2.0', 'entra-id', 'identity'],
  ])('%s → %s', (value, id, category) => {
    const found = scan(env(value)).dependencies.find((d) => d.id === id);
    expect(found?.category).toBe(category);
    expect(found?.usedBy).toEqual(['team/app']);
    expect(found?.evidence[0]?.path).toBe('spec.template.spec.containers[name=app].env[name=ENDPOINT].value');
    expect(found?.evidence[0]?.text).not.toMatch(/Password=pw|:pw@|sig=abc/);
  });

  it('finds AKS features: application routing, AAD Pod Identity, inline Azure volumes, node affinity, KEDA queue scaler, StatefulSet claims', () => {
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: 'web',
        namespace: 'team',
        annotations: { 'kubernetes.azure.com/tls-cert-keyvault-uri': 'https://shop-kv.vault.azure.net/certificates/web' },
      },
      spec: {
        ingressClassName: 'webapprouting.kubernetes.azure.com',
        rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'app', port: { number: 80 } } } }] } }],
      },
    };
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'app', namespace: 'team' },
      spec: { selector: { app: 'app' }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    const identity = {
      apiVersion: 'aadpodidentity.k8s.io/v1',
      kind: 'AzureIdentity',
      metadata: { name: 'app-identity', namespace: 'team' },
      spec: { type: 0 },
    };
    const app = deployment((pod) => {
      pod.volumes = [{ name: 'data', azureDisk: { diskName: 'd', diskURI: 'u' } }];
      pod.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'agentpool', operator: 'In', values: ['gpu'] }] }],
          },
        },
      };
    }) as any;
    app.spec.template.metadata.labels.aadpodidbinding = 'app-identity';
    const scaled = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'app', namespace: 'team' },
      spec: { scaleTargetRef: { name: 'app' }, triggers: [{ type: 'azure-queue', metadata: { accountName: 'shopqueues', queueName: 'jobs' } }] },
    };
    const db = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'team' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'registry.demo-sc.example.com/team/db:16' }] } },
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { storageClassName: 'managed-csi-premium', resources: { requests: { storage: '10Gi' } } } },
        ],
      },
    };
    const result = scan(ingress, service, identity, app, scaled, db);
    const byId = Object.fromEntries(result.dependencies.map((d) => [d.id, d.evidence.map((e) => `${e.object} ${e.path}`)]));
    expect(byId['app-routing']).toEqual([
      'Ingress team/web metadata.annotations["kubernetes.azure.com/tls-cert-keyvault-uri"]',
      'Ingress team/web spec.ingressClassName',
    ]);
    expect(byId['key-vault:shop-kv']).toEqual(['Ingress team/web metadata.annotations["kubernetes.azure.com/tls-cert-keyvault-uri"]']);
    expect(byId['aad-pod-identity']).toEqual([
      'AzureIdentity team/app-identity kind',
      'Deployment team/app spec.template.metadata.labels.aadpodidbinding',
    ]);
    expect(byId['azure-disk']).toEqual(['Deployment team/app spec.template.spec.volumes[name=data].azureDisk']);
    expect(byId['azure-disk:managed-csi-premium']).toEqual(['StatefulSet team/db spec.volumeClaimTemplates[name=data].spec.storageClassName']);
    expect(byId['aks-node-pools']).toEqual([
      'Deployment team/app spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key',
    ]);
    expect(byId['queue-storage:shopqueues']).toEqual(['ScaledObject team/app spec.triggers[0].metadata.accountName']);
    expect(result.dependencies.find((d) => d.id === 'app-routing')?.usedBy).toEqual(['team/app']);
    expect(result.inventory.namespaces[0]?.storage).toEqual([
      { namespace: 'team', name: 'db/data', storageClass: 'managed-csi-premium', size: '10Gi', accessModes: [], copies: 3 },
    ]);
  });

  it('does not take a queue named like a Service for a call to it', () => {
    const consumer = deployment((_, c) => c.env.push({ name: 'QUEUE', value: 'orders' }, { name: 'TOPIC', value: 'orders-events' }));
    const orders = { ...(deployment() as any), metadata: { name: 'orders', namespace: 'team' } };
    orders.spec = {
      ...orders.spec,
      selector: { matchLabels: { app: 'orders' } },
      template: { metadata: { labels: { app: 'orders' } }, spec: orders.spec.template.spec },
    };
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'orders', namespace: 'team' },
      spec: { selector: { app: 'orders' }, ports: [{ port: 80 }] },
    };
    expect(scan(consumer, orders, service).matrix.find((r) => r.workload === 'team/app')?.workloads).toEqual([]);
    const caller = deployment((_, c) => c.env.push({ name: 'ORDERS', value: 'orders:80' }));
    expect(
      scan(caller, orders, service)
        .matrix.find((r) => r.workload === 'team/app')
        ?.workloads.map((l) => l.workload),
    ).toEqual(['team/orders']);
  });

  it('orders a dependency cycle deterministically and says so', () => {
    const a = deployment((_, c) => c.env.push({ name: 'B', value: 'http://b.team.svc' }));
    const b = {
      ...(deployment((_, c) => c.env.push({ name: 'A', value: 'http://app.team.svc' })) as any),
      metadata: { name: 'b', namespace: 'team' },
    };
    b.spec.selector = { matchLabels: { app: 'b' } };
    b.spec.template.metadata.labels = { app: 'b' };
    const services = ['app', 'b'].map((name) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'team' },
      spec: { selector: { app: name }, ports: [{ port: 80 }] },
    }));
    const order = scan(a, b, ...services).order;
    expect(order.map((s) => s.id)).toEqual(['team/app', 'team/b']);
    expect(order[0]?.reason).toMatch(/breaks a dependency cycle with team\/b/);
  });
});
