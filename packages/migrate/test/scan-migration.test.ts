import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ClusterConfigSchema } from '@ck8s/core';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MIGRATION_SCAN_FORMAT, renderMigrationHtml, renderMigrationMarkdown, scanMigration } from '../src/index.js';
import { demoTarget, plantedSecrets, REPO_ROOT, shopDocuments } from './aks-shop.js';

const INPUTS = ['packages/migrate/test/fixtures/aks-shop'];
const { scan } = scanMigration(shopDocuments(), demoTarget(), INPUTS);
const dependency = (id: string) => {
  const found = scan.dependencies.find((d) => d.id === id);
  if (!found) throw new Error(`no dependency ${id}; found ${scan.dependencies.map((d) => d.id).join(', ')}`);
  return found;
};
const evidence = (id: string) => dependency(id).evidence.map((e) => `${e.object} ${e.path}`);

describe('migrate scan of the AKS shop', () => {
  it('finds every planted Azure dependency, each with its replacement and the workloads using it', () => {
    expect(scan.dependencies.map((d) => [d.id, d.usedBy])).toEqual([
      ['cosmos-db:shop-catalog', ['shop/catalog-api']],
      ['postgresql:shop-orders', ['shop/orders-consumer']],
      ['redis:shop-cache', ['shop/storefront']],
      ['service-bus:shop-bus', ['shop/orders-consumer']],
      ['blob-storage:shopassets', ['shop/catalog-api']],
      ['key-vault:shop-kv', ['shop/catalog-api']],
      ['container-registry:shopacr', ['shop/catalog-api', 'shop/orders-consumer', 'shop/storefront']],
      ['app-insights', ['shop/storefront']],
      ['workload-identity', ['shop/orders-consumer']],
      ['azure-disk:managed-csi', ['shop/catalog-api']],
      ['azure-files:azurefile-csi', ['shop/storefront']],
      ['agic', ['shop/storefront']],
      ['azure-load-balancer', ['shop/catalog-api']],
      ['keda-azure-scaler', ['shop/orders-consumer']],
      ['aks-node-pools', ['shop/storefront']],
    ]);
    expect(dependency('service-bus:shop-bus').replacement).toBe('RabbitMQ (AMQP 1.0) or NATS');
    expect(dependency('cosmos-db:shop-catalog').replacement).toMatch(/^TiKV/);
    expect(dependency('postgresql:shop-orders').replacement).toMatch(/PostgreSQL's own HA/);
    expect(dependency('key-vault:shop-kv').replacement).toBe('HashiCorp Vault');
    expect(dependency('key-vault:shop-kv').platformFeature).toMatch(/sops/);
    expect(dependency('container-registry:shopacr').replacement).toBe('Harbor');
    expect(dependency('blob-storage:shopassets').replacement).toBe('S3-compatible object storage');
    expect(dependency('app-insights').replacement).toMatch(/Prometheus and Grafana/);
    expect(dependency('agic').platformFeature).toMatch(/ingressClassName: nginx/);
    expect(dependency('redis:shop-cache').providedByPlatform).toBe(false);
    for (const d of scan.dependencies) {
      expect(d.applicationChange.length, d.id).toBeGreaterThan(20);
      expect(d.evidence.length, d.id).toBeGreaterThan(0);
    }
  });

  it('shows each dependency with the object, field path and redacted text', () => {
    expect(evidence('service-bus:shop-bus')).toEqual([
      'ScaledObject shop/orders-consumer spec.triggers[0].metadata.namespace',
      'Secret shop/orders-servicebus stringData.connection-string',
    ]);
    expect(evidence('key-vault:shop-kv')).toEqual([
      'Deployment shop/catalog-api spec.template.spec.volumes[name=keyvault].csi.volumeAttributes.secretProviderClass',
      'SecretProviderClass shop/catalog-keyvault spec.parameters.keyvaultName',
      'SecretProviderClass shop/catalog-keyvault spec.provider',
    ]);
    expect(evidence('workload-identity')).toEqual([
      'Deployment shop/orders-consumer spec.template.metadata.labels["azure.workload.identity/use"]',
      'ServiceAccount shop/orders-consumer metadata.annotations["azure.workload.identity/client-id"]',
      'ServiceAccount shop/orders-consumer metadata.annotations["azure.workload.identity/tenant-id"]',
      'TriggerAuthentication shop/orders-servicebus spec.podIdentity.provider',
    ]);
    expect(evidence('agic')).toContain('Ingress shop/storefront spec.ingressClassName');
    expect(evidence('azure-disk:managed-csi')).toEqual([
      'PersistentVolumeClaim shop/catalog-images spec.storageClassName',
      'StorageClass managed-csi provisioner',
    ]);
    expect(evidence('aks-node-pools')).toEqual([
      'Deployment shop/storefront spec.template.spec.nodeSelector["kubernetes.azure.com/agentpool"]',
      'Deployment shop/storefront spec.template.spec.tolerations[0].key',
    ]);
    const texts = Object.fromEntries(scan.dependencies.flatMap((d) => d.evidence.map((e) => [`${d.id} ${e.path}`, e.text])));
    expect(texts['postgresql:shop-orders spec.template.spec.containers[name=consumer].env[name=DATABASE_URL].value']).toBe(
      'postgres://orders_app:***@shop-orders.postgres.database.azure.com:5432/orders?sslmode=require',
    );
    expect(texts['blob-storage:shopassets data.ASSETS_STORAGE']).toBe(
      'DefaultEndpointsProtocol=https;AccountName=shopassets;AccountKey=***;EndpointSuffix=core.windows.net',
    );
    expect(texts['service-bus:shop-bus stringData.connection-string']).toBe('shop-bus.servicebus.windows.net (in a Secret value, not shown)');
    expect(texts['redis:shop-cache stringData.REDIS_CONNECTION']).toBe('shop-cache.redis.cache.windows.net (in a Secret value, not shown)');
    expect(texts['app-insights spec.template.spec.containers[name=web].env[name=APPLICATIONINSIGHTS_CONNECTION_STRING].value']).toMatch(
      /^InstrumentationKey=\*\*\*;IngestionEndpoint=https:\/\/westeurope-5\.in\.applicationinsights\.azure\.com\//,
    );
  });

  it('links workloads through the Service names in their configuration, not through look-alike words', () => {
    expect(scan.matrix.map((row) => [row.workload, row.workloads.map((l) => `${l.workload} via ${l.service} (${l.evidence.path})`)])).toEqual([
      ['shop/catalog-api', []],
      ['shop/orders-consumer', ['shop/catalog-api via shop/catalog-api (spec.template.spec.containers[name=consumer].env[name=CATALOG_API].value)']],
      ['shop/storefront', ['shop/catalog-api via shop/catalog-api (spec.template.spec.containers[name=web].env[name=CATALOG_API_URL].value)']],
    ]);
    expect(scan.matrix.find((r) => r.workload === 'shop/catalog-api')?.dependencies).toEqual([
      'cosmos-db:shop-catalog',
      'blob-storage:shopassets',
      'key-vault:shop-kv',
      'container-registry:shopacr',
      'azure-disk:managed-csi',
      'azure-load-balancer',
    ]);
  });

  it('orders the migration: data stores, then buses, then the other services, then workloads after those they call', () => {
    expect(scan.order.map((s) => `${s.step} ${s.type} ${s.id}`)).toEqual([
      '1 service cosmos-db:shop-catalog',
      '2 service postgresql:shop-orders',
      '3 service redis:shop-cache',
      '4 service service-bus:shop-bus',
      '5 service blob-storage:shopassets',
      '6 service key-vault:shop-kv',
      '7 service container-registry:shopacr',
      '8 service app-insights',
      '9 workload shop/catalog-api',
      '10 workload shop/orders-consumer',
      '11 workload shop/storefront',
    ]);
    expect(scan.order[9]?.reason).toMatch(/^after shop\/catalog-api \(calls it\); needs postgresql:shop-orders, service-bus:shop-bus/);
  });

  it("reports every denial by the target's admission with a concrete fix", () => {
    const denied = scan.admission.filter((a) => !a.allowed);
    expect(denied.map((a) => [a.object, a.violations.map((v) => v.policy)])).toEqual([
      ['Deployment shop/catalog-api', ['ck8s-allowed-registries']],
      ['Service shop/catalog-api-internal', ['ck8s-service-load-balancer']],
      ['Deployment shop/orders-consumer', ['ck8s-allowed-registries']],
      [
        'Deployment shop/storefront',
        [
          'ck8s-pss-allow-privilege-escalation',
          'ck8s-pss-run-as-non-root',
          'ck8s-pss-run-as-user',
          'ck8s-pss-seccomp-restricted',
          'ck8s-pss-capabilities-restricted',
          'ck8s-resource-requirements',
          'ck8s-allowed-registries',
        ],
      ],
      ['Ingress shop/storefront', ['ck8s-ingress-hosts']],
    ]);
    for (const a of denied) {
      expect(a.fixes.map((f) => f.policy)).toEqual(a.violations.map((v) => v.policy));
      // the one fix that is no manifest patch: the host goes into the tenant's cluster.yaml entry
      expect(
        a.fixes.every((f) => f.automatic),
        a.object,
      ).toBe(a.kind !== 'Ingress');
    }
    const fixes = Object.fromEntries(denied.flatMap((a) => a.fixes.map((f) => [`${a.name} ${f.policy}`, f.description])));
    expect(fixes['storefront ck8s-pss-allow-privilege-escalation']).toBe(
      'set securityContext.allowPrivilegeEscalation: false on container(s) web, log-shipper',
    );
    expect(fixes['storefront ck8s-pss-run-as-user']).toMatch(/^run as user 10001 instead of root \(0\) in container\(s\) log-shipper/);
    expect(fixes['storefront ck8s-resource-requirements']).toMatch(
      /^declare requests and a memory limit: web \(requests cpu 100m, memory 128Mi; limit memory 256Mi\)/,
    );
    expect(fixes['catalog-api ck8s-allowed-registries']).toMatch(
      /shopacr\.azurecr\.io\/shop\/catalog-api:3\.4\.0 → registry\.demo-sc\.example\.com\/shop\/catalog-api:3\.4\.0$/,
    );
    expect(fixes['storefront ck8s-ingress-hosts']).toBe(
      "add shop.contoso.example to tenants[].hosts of the namespace in the target's cluster.yaml (the tenant stub lists them) and point the DNS names at the platform ingress",
    );
    expect(fixes['catalog-api-internal ck8s-service-load-balancer']).toMatch(/^make the Service ClusterIP .*tenants\[\]\.allowLoadBalancer/);
    expect(scan.admission.filter((a) => a.allowed).map((a) => a.object)).toEqual(['Service shop/catalog-api', 'Service shop/storefront']);
  });

  it('finds the API versions Kubernetes 1.36 no longer serves, with their replacements, and custom resources the target lacks', () => {
    expect(scan.apiVersions.source).toBe('schema mirror, kubernetes 1.36');
    expect(scan.apiVersions.findings.map((f) => [f.object, f.apiVersion, f.status, f.replacement])).toEqual([
      ['HorizontalPodAutoscaler shop/storefront', 'autoscaling/v2beta2', 'removed', 'autoscaling/v2'],
      ['PodDisruptionBudget shop/catalog-api', 'policy/v1beta1', 'removed', 'policy/v1'],
      ['SecretProviderClass shop/catalog-keyvault', 'secrets-store.csi.x-k8s.io/v1', 'unknown-custom-resource', null],
      ['ScaledObject shop/orders-consumer', 'keda.sh/v1alpha1', 'unknown-custom-resource', null],
      ['TriggerAuthentication shop/orders-servicebus', 'keda.sh/v1alpha1', 'unknown-custom-resource', null],
    ]);
  });

  it('inventories workloads, exposure and storage, and names ConfigMaps and Secrets only', () => {
    const [shop] = scan.inventory.namespaces;
    expect(scan.inventory.namespaces.map((n) => n.name)).toEqual(['shop']);
    expect(shop!.workloads.map((w) => [w.name, w.replicas, w.containers.map((c) => `${c.name} ${c.registry}`)])).toEqual([
      ['catalog-api', 3, ['api shopacr.azurecr.io']],
      ['orders-consumer', 2, ['consumer shopacr.azurecr.io']],
      ['storefront', 2, ['web shopacr.azurecr.io', 'log-shipper shopacr.azurecr.io']],
    ]);
    expect(shop!.services.map((s) => `${s.name} ${s.type}`)).toEqual([
      'catalog-api ClusterIP',
      'catalog-api-internal LoadBalancer',
      'storefront ClusterIP',
    ]);
    expect(shop!.ingresses).toEqual([
      {
        namespace: 'shop',
        name: 'storefront',
        className: 'azure-application-gateway',
        hosts: ['shop.contoso.example'],
        backends: [{ service: 'storefront', port: 80 }],
      },
    ]);
    expect(shop!.storage.map((s) => `${s.name} ${s.storageClass} ${s.size}`)).toEqual([
      'catalog-images managed-csi 20Gi',
      'storefront-media azurefile-csi 50Gi',
    ]);
    expect(shop!.secrets).toEqual(['catalog-cosmos', 'orders-servicebus', 'storefront-redis']);
    expect(shop!.configMaps).toEqual(['catalog-config']);
    expect(scan.inventory.registries).toEqual({ 'shopacr.azurecr.io': 4 });
  });

  it('proposes a tenant that the target cluster.yaml schema accepts, sized from the inventory', () => {
    const stub = parse(scan.tenantStub) as unknown[];
    expect(stub).toEqual([
      {
        name: 'shop',
        adminGroups: [],
        viewGroups: [],
        quota: { cpu: '10', memory: '16Gi', storage: '105Gi', pods: 29 },
        ingressPorts: [8080],
        metricsPorts: [9090],
        hosts: ['shop.contoso.example'],
      },
    ]);
    expect(scan.tenantStub).toContain('#   postgresql: replaces Azure Database for PostgreSQL shop-orders (shop/orders-consumer)');
    expect(scan.tenantStub).toContain('#   rabbitmq: replaces Azure Service Bus shop-bus (shop/orders-consumer)');
    const cluster = parse(readFileSync(path.join(REPO_ROOT, 'clusters/demo-wc/cluster.yaml'), 'utf8')) as Record<string, unknown>;
    const checked = ClusterConfigSchema.safeParse({ ...cluster, tenants: stub });
    expect(checked.error?.issues ?? []).toEqual([]);
  });

  it('never puts a planted secret into the JSON, Markdown or HTML report', () => {
    const outputs = [JSON.stringify(scan), renderMigrationMarkdown(scan), renderMigrationHtml(scan)];
    const planted = plantedSecrets();
    expect(planted.length).toBeGreaterThan(6);
    for (const output of outputs) for (const secret of planted) expect(output.includes(secret), secret).toBe(false);
  });

  it('is deterministic and versioned', () => {
    const again = scanMigration(shopDocuments(), demoTarget(), INPUTS).scan;
    expect(JSON.stringify(again)).toBe(JSON.stringify(scan));
    expect(renderMigrationMarkdown(again)).toBe(renderMigrationMarkdown(scan));
    expect(renderMigrationHtml(again)).toBe(renderMigrationHtml(scan));
    expect(scan.version).toBe(MIGRATION_SCAN_FORMAT);
    expect(MIGRATION_SCAN_FORMAT).toBe(1);
  });
});
