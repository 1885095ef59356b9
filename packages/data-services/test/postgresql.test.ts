import { ChartCatalog, type PostgresqlServiceConfig } from '@ck8s/core';
import { afterAll, describe, expect, it } from 'vitest';
import { Kubeconform, problems } from '../../../test-support/kubeconform.js';
import { find, flows } from '../../../test-support/manifests.js';
import { dataServiceImages, POSTGRESQL_IMAGES, utcDailyCronWithSeconds } from '../src/index.js';
import { compose, tenantsOf } from './support.js';

/** Versions deliberately not the pinned ones: the components must take them from the catalog. */
const catalog = new ChartCatalog([
  { name: 'cloudnative-pg', repository: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '9.9.9' },
  { name: 'plugin-barman-cloud', repository: 'https://cloudnative-pg.github.io/charts', chart: 'plugin-barman-cloud', version: '8.8.8' },
]);

const teamA = [{ name: 'team-a', services: [{ kind: 'postgresql', name: 'orders', instances: 3, storage: '20Gi', version: '16' }] }];

describe('data services', () => {
  it('compose an operator only for a kind some tenant declares, and one instance per declaration', () => {
    expect(
      [...compose(catalog, tenantsOf([{ name: 'team-a' }])).byName.keys()].filter((n) => n !== 'role-players' && !n.startsWith('team-')),
    ).toEqual([]);
    const out = compose(catalog, tenantsOf([...teamA, { name: 'team-b', services: [{ kind: 'postgresql', name: 'orders' }] }]));
    expect([...out.byName.keys()].filter((n) => n !== 'role-players' && !n.startsWith('team-'))).toEqual(['cloudnative-pg']);
    expect([...out.byName.keys()].filter((n) => n.endsWith('-orders'))).toEqual(['team-a-orders', 'team-b-orders']);
    expect(out.byName.get('cloudnative-pg')!.layer).toBe('controllers');
    expect(out.byName.get('team-a-orders')!.layer).toBe('tenants');
  });

  it("admit in the tenant's namespace exactly the images the operator starts there", () => {
    const [tenant] = tenantsOf(teamA);
    expect(dataServiceImages(tenant!.services)).toEqual([
      'ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0',
      'ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.13.0',
      POSTGRESQL_IMAGES['16'],
    ]);
  });
});

describe('PostgreSQL', () => {
  const out = compose(catalog, tenantsOf(teamA));
  const objects = out.objects('team-a-orders');
  const cluster = find(objects, 'Cluster', 'orders', 'team-a');
  const service = tenantsOf(teamA)[0]!.services[0] as PostgresqlServiceConfig;

  it("runs the declared instances at the pinned image of the declared major, with the tenant's requests and a memory limit", () => {
    expect(cluster.spec).toMatchObject({
      instances: 3,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:16.14-system-trixie',
      storage: { size: '20Gi' },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } },
      enableSuperuserAccess: false,
      bootstrap: { initdb: { database: 'app', owner: 'app', secret: { name: 'orders-credentials' } } },
    });
    expect(service.version).toBe('16');
  });

  it('generates the application credentials into a basic-auth Secret, and asks for a scoped backup key instead of generating one', async () => {
    const secrets = out.byName.get('team-a-orders')!.requiredSecrets;
    const credentials = secrets.find((s) => s.name === 'orders-credentials')!;
    expect(credentials).toMatchObject({ namespace: 'team-a', keys: ['username', 'password'], type: 'kubernetes.io/basic-auth' });
    const generated = await credentials.generate!({ password: () => 'p4ssw0rd' } as never);
    expect(generated).toEqual({ username: 'app', password: 'p4ssw0rd' });
    const s3 = secrets.find((s) => s.name === 'orders-backup-s3')!;
    expect(s3.keys).toEqual(['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY']);
    // a generator would copy the cluster's backup key into a namespace the tenant reads
    expect(s3.generate).toBeUndefined();
  });

  it("backs up to the cluster's bucket below its own prefix, daily at the platform's time, keeping backup.keep days", () => {
    const store = find(objects, 'ObjectStore', 'orders-backups', 'team-a');
    expect(store.spec.configuration.destinationPath).toBe('s3://backups/postgresql/wc/team-a/');
    expect(store.spec.configuration.endpointURL).toBe('https://s3.example.com');
    expect(store.spec.retentionPolicy).toBe('5d');
    expect(store.spec.instanceSidecarConfiguration.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
    expect(cluster.spec.plugins).toEqual([
      { name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'orders-backups' } },
    ]);
    const scheduled = find(objects, 'ScheduledBackup', 'orders-daily', 'team-a');
    expect(scheduled.spec).toMatchObject({ schedule: '0 30 0 * * *', method: 'plugin', cluster: { name: 'orders' } });
    // without the cluster's backups, no backup objects and no key
    const bare = compose(catalog, tenantsOf(teamA), false);
    expect(bare.objects('team-a-orders').map((o) => o.kind)).not.toContain('ScheduledBackup');
    expect(bare.byName.get('team-a-orders')!.requiredSecrets.map((s) => s.name)).toEqual(['orders-credentials']);
  });

  it("is reached on 5432 by its tenant's pods only; the operator reaches the instance manager; the instances the API server and object storage", () => {
    expect(flows(objects, { namespaces: true }).sort()).toEqual(
      [
        'team-a allow-team-a-orders-to-object-storage: cnpg.io/cluster=orders -> 198.51.100.0/24 :443',
        'team-a allow-team-a-to-team-a-orders: * -> team-a[cnpg.io/cluster=orders] :5432',
        'team-a allow-team-a-orders-from-team-a: cnpg.io/cluster=orders <- team-a[*] :5432',
        'team-a allow-team-a-orders-internal-egress: cnpg.io/cluster=orders -> team-a[cnpg.io/cluster=orders] :5432,8000',
        'team-a allow-team-a-orders-internal-ingress: cnpg.io/cluster=orders <- team-a[cnpg.io/cluster=orders] :5432,8000',
        'team-a allow-team-a-orders-to-api-server: cnpg.io/cluster=orders -> 10.0.0.1/32 :6443',
        'cnpg-system allow-cloudnative-pg-to-team-a-orders: name=cloudnative-pg -> team-a[cnpg.io/cluster=orders] :8000',
        'team-a allow-team-a-orders-from-cloudnative-pg: cnpg.io/cluster=orders <- cnpg-system[name=cloudnative-pg] :8000',
        'team-a allow-postgresql-team-a-orders-metrics-from-prometheus: cnpg.io/cluster=orders <- monitoring[name=prometheus] :9187',
      ].sort(),
    );
  });

  it('is scraped as job postgresql, which its alerts read', () => {
    const component = out.byName.get('team-a-orders')!;
    expect(component.metrics).toEqual([
      { name: 'postgresql-team-a-orders', pods: expect.objectContaining({ namespace: 'team-a' }), port: 9187, job: 'postgresql' },
    ]);
    expect(component.alertGroups.flatMap((g) => g.alerts.map((a) => a.alert))).toEqual([
      'PostgresqlInstanceDown',
      'PostgresqlReplicationLag',
      'PostgresqlBackupFailed',
    ]);
  });

  it('installs the operator and the Barman Cloud plugin from the catalog in their own restricted namespace', () => {
    const operator = out.objects('cloudnative-pg');
    expect(find(operator, 'Namespace', 'cnpg-system').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(find(operator, 'HelmRelease', 'cloudnative-pg').spec.chart.spec.version).toBe('9.9.9');
    const plugin = find(operator, 'HelmRelease', 'plugin-barman-cloud');
    expect(plugin.spec.chart.spec.version).toBe('8.8.8');
    expect(plugin.spec.dependsOn).toEqual([{ name: 'cloudnative-pg', namespace: 'cnpg-system' }]);
    expect(flows(operator)).toEqual(
      expect.arrayContaining([
        'allow-cloudnative-pg-to-plugin-barman-cloud: name=cloudnative-pg -> cnpg-system[name=plugin-barman-cloud] :9090',
        'allow-webhooks-from-api-server: name=cloudnative-pg <- 10.0.0.1/32 :9443',
      ]),
    );
  });

  const kubeconform = new Kubeconform();
  afterAll(() => kubeconform.dispose());
  it('writes objects that validate strictly against the Kubernetes and CloudNativePG schemas', async () => {
    const all = { operator: out.objects('cloudnative-pg'), instance: objects };
    const result = await kubeconform.run(all);
    expect(problems(result)).toEqual([]);
    expect(result.summary.valid).toBe(all.operator.length + all.instance.length);
  });
});

describe('utcDailyCronWithSeconds', () => {
  it("maps the platform's local backup time to CloudNativePG's UTC schedule with the zone's winter offset", () => {
    expect(utcDailyCronWithSeconds('30 1 * * *', 'Europe/Stockholm')).toBe('0 30 0 * * *');
    expect(utcDailyCronWithSeconds('15 0 * * *', 'Europe/Stockholm')).toBe('0 15 23 * * *');
    expect(utcDailyCronWithSeconds('30 1 * * *', 'UTC')).toBe('0 30 1 * * *');
    expect(() => utcDailyCronWithSeconds('30 1 * * 1', 'UTC')).toThrow('backup schedule "30 1 * * 1" is not a daily "m h * * *" line');
  });
});
