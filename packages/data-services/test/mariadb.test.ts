import { ChartCatalog, type MariadbServiceConfig } from '@ck8s/core';
import { afterAll, describe, expect, it } from 'vitest';
import { Kubeconform, problems } from '../../../test-support/kubeconform.js';
import { find, flows } from '../../../test-support/manifests.js';
import { dataServiceImages, MARIADB_IMAGES, MARIADB_OPERATOR_IMAGE } from '../src/index.js';
import { compose, tenantsOf } from './support.js';

/** The version is deliberately not the pinned one: the operator must take it from the catalog. */
const catalog = new ChartCatalog([
  { name: 'mariadb-operator', repository: 'oci://ghcr.io/mariadb-operator/charts', chart: 'mariadb-operator', version: '9.9.9' },
]);

const teamA = [{ name: 'team-a', services: [{ kind: 'mariadb', name: 'legacy', instances: 3, storage: '10Gi', version: '11.4' }] }];

describe('MariaDB', () => {
  const out = compose(catalog, tenantsOf(teamA));
  const objects = out.objects('team-a-legacy');
  const mariadb = find(objects, 'MariaDB', 'legacy', 'team-a');
  const service = tenantsOf(teamA)[0]!.services[0] as MariadbServiceConfig;

  it('runs a Galera cluster of the declared instances at the pinned image of the declared release', () => {
    expect(service.version).toBe('11.4');
    expect(mariadb.spec).toMatchObject({
      image: 'docker.io/library/mariadb:11.4.10',
      replicas: 3,
      storage: { size: '10Gi' },
      database: 'app',
      username: 'app',
      passwordSecretKeyRef: { name: 'legacy-credentials', key: 'password', generate: false },
      rootPasswordSecretKeyRef: { name: 'legacy-internal', key: 'root-password', generate: false },
      galera: { enabled: true, sst: 'mariabackup', agent: { basicAuth: { enabled: true } } },
    });
    // one server: no Galera, so no agent or init container
    const single = compose(catalog, tenantsOf([{ name: 'team-a', services: [{ kind: 'mariadb', name: 'legacy', instances: 1 }] }]));
    const spec = find(single.objects('team-a-legacy'), 'MariaDB', 'legacy', 'team-a').spec;
    expect(spec.replicas).toBe(1);
    expect(spec.galera).toBeUndefined();
  });

  it('holds every container it starts to restricted, with CPU and memory requests and a memory limit', () => {
    const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, runAsNonRoot: true };
    expect(mariadb.spec.podSecurityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
      runAsUser: 999,
      runAsGroup: 999,
      fsGroup: 999,
    });
    const resources = { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } };
    expect(mariadb.spec).toMatchObject({ securityContext: restricted, resources });
    const { initContainer, agent, initJob, recovery } = mariadb.spec.galera;
    for (const helper of [initContainer, agent]) {
      // the operator fills in the image only for an init container left entirely empty
      expect(helper.image).toBe(MARIADB_OPERATOR_IMAGE);
      expect(helper.securityContext).toMatchObject({ ...restricted, readOnlyRootFilesystem: true });
      expect(helper.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    }
    // the bootstrap and recovery Jobs take no resources from the server
    expect([initJob.resources, recovery.job.resources]).toEqual([resources, resources]);
    const { exporter } = mariadb.spec.metrics;
    expect(exporter.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(exporter.securityContext).toMatchObject(restricted);
    expect(exporter.resources.limits.memory).toBeDefined();
    const daily = find(objects, 'Backup', 'legacy-mariadb-backup', 'team-a');
    // without its own, the operator gives backup pods a context without seccomp, which restricted refuses
    expect(daily.spec.podSecurityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(daily.spec.securityContext).toMatchObject(restricted);
    expect(daily.spec.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
  });

  it("admits in the tenant's namespace exactly the server, operator and exporter images", () => {
    const [tenant] = tenantsOf(teamA);
    expect(dataServiceImages(tenant!.services)).toEqual([
      'docker.io/library/mariadb:11.4.10',
      'docker.io/prom/mysqld-exporter:v0.15.1',
      'ghcr.io/mariadb-operator/mariadb-operator:26.6.0',
    ]);
    expect(Object.values(MARIADB_IMAGES).every((i) => i.startsWith('docker.io/library/mariadb:'))).toBe(true);
  });

  it("generates the application's and the operator's passwords into sops Secrets, and asks for a scoped backup key", async () => {
    const secrets = out.byName.get('team-a-legacy')!.requiredSecrets;
    const credentials = secrets.find((s) => s.name === 'legacy-credentials')!;
    expect(credentials).toMatchObject({ namespace: 'team-a', keys: ['username', 'password'], type: 'kubernetes.io/basic-auth' });
    expect(await credentials.generate!({ password: () => 'p4ssw0rd' } as never)).toEqual({ username: 'app', password: 'p4ssw0rd' });
    const internal = secrets.find((s) => s.name === 'legacy-internal')!;
    expect(Object.keys(await internal.generate!({ password: () => 'x' } as never))).toEqual(['root-password', 'agent-password', 'metrics-password']);
    const s3 = secrets.find((s) => s.name === 'legacy-backup-s3')!;
    expect(s3.keys).toEqual(['access-key-id', 'secret-access-key']);
    expect(s3.generate).toBeUndefined();
  });

  it("backs up daily at the platform's time and zone to the cluster's bucket below its own prefix, keeping backup.keep days", () => {
    const daily = find(objects, 'Backup', 'legacy-mariadb-backup', 'team-a');
    expect(daily.spec).toMatchObject({
      mariaDbRef: { name: 'legacy' },
      schedule: { cron: '30 1 * * *' },
      timeZone: 'Europe/Stockholm',
      maxRetention: '120h',
      storage: {
        s3: {
          bucket: 'backups',
          endpoint: 's3.example.com',
          region: 'eu-north-1',
          prefix: 'mariadb/wc/team-a/legacy',
          tls: { enabled: true },
          accessKeyIdSecretKeyRef: { name: 'legacy-backup-s3', key: 'access-key-id' },
        },
      },
    });
    // the operator labels backup pods with nothing of their own: these are what the backup's NetworkPolicies select
    expect(daily.spec.podMetadata.labels).toEqual({
      'app.kubernetes.io/name': 'mariadb-backup',
      'app.kubernetes.io/instance': 'legacy-mariadb-backup',
    });
    const bare = compose(catalog, tenantsOf(teamA), false);
    expect(bare.objects('team-a-legacy').map((o) => o.kind)).not.toContain('Backup');
    expect(bare.byName.get('team-a-legacy')!.requiredSecrets.map((s) => s.name)).toEqual(['legacy-credentials', 'legacy-internal']);
  });

  it("is reached on 3306 by its tenant's pods only; Galera and the operator's traffic; the backup to object storage", () => {
    const server = 'instance=legacy,name=mariadb';
    const backupJob = 'instance=legacy-mariadb-backup,name=mariadb-backup';
    const exporter = 'instance=legacy-metrics,name=exporter';
    expect(flows(objects, { namespaces: true }).sort()).toEqual(
      [
        // the tenant's pods, and no other namespace's, on 3306
        `team-a allow-team-a-to-team-a-legacy: * -> team-a[${server}] :3306`,
        `team-a allow-team-a-legacy-from-team-a: ${server} <- team-a[*] :3306`,
        // Galera between the servers: SQL, state transfer, replication (TCP and UDP), incremental transfer
        `team-a allow-team-a-legacy-internal-egress: ${server} -> team-a[${server}] :3306,4444,4567,4567/UDP,4568`,
        `team-a allow-team-a-legacy-internal-ingress: ${server} <- team-a[${server}] :3306,4444,4567,4567/UDP,4568`,
        // the Galera init and agent containers read their MariaDB and pods
        `team-a allow-team-a-legacy-to-api-server: ${server} -> 10.0.0.1/32 :6443`,
        // the operator: SQL and the agents' API
        `mariadb-operator allow-mariadb-operator-controller-to-team-a-legacy: name=mariadb-operator -> team-a[${server}] :3306,5555`,
        `team-a allow-team-a-legacy-from-mariadb-operator-controller: ${server} <- mariadb-operator[name=mariadb-operator] :3306,5555`,
        // the daily backup: reads the servers, writes to object storage
        `team-a allow-team-a-legacy-backup-to-team-a-legacy: ${backupJob} -> team-a[${server}] :3306`,
        `team-a allow-team-a-legacy-from-team-a-legacy-backup: ${server} <- team-a[${backupJob}] :3306`,
        `team-a allow-team-a-legacy-backup-to-object-storage: ${backupJob} -> 198.51.100.0/24 :443`,
        // the exporter probes the servers; Prometheus scrapes the exporter
        `team-a allow-team-a-legacy-metrics-to-team-a-legacy: ${exporter} -> team-a[${server}] :3306`,
        `team-a allow-team-a-legacy-from-team-a-legacy-metrics: ${server} <- team-a[${exporter}] :3306`,
        `team-a allow-mariadb-team-a-legacy-metrics-from-prometheus: ${exporter} <- monitoring[name=prometheus] :9104`,
      ].sort(),
    );
    // a single server: no Galera ports, and no API access (no init or agent container)
    const single = compose(catalog, tenantsOf([{ name: 'team-a', services: [{ kind: 'mariadb', name: 'legacy', instances: 1 }] }]), false);
    const alone = flows(single.objects('team-a-legacy'), { namespaces: true });
    expect(alone.filter((f) => f.includes('internal') || f.includes('api-server'))).toEqual([]);
    expect(alone).toContain(`mariadb-operator allow-mariadb-operator-controller-to-team-a-legacy: name=mariadb-operator -> team-a[${server}] :3306`);
  });

  it("is scraped as job mariadb through the operator's ServiceMonitor, which its alerts read", () => {
    const component = out.byName.get('team-a-legacy')!;
    expect(component.metrics).toEqual([expect.objectContaining({ port: 9104, job: 'mariadb', monitor: false })]);
    expect(mariadb.spec.metrics.serviceMonitor.jobLabel).toBe('platform.ck8s.io/metrics-job');
    expect(mariadb.spec.inheritMetadata.labels).toEqual({ 'platform.ck8s.io/metrics-job': 'mariadb' });
    expect(component.alertGroups.flatMap((g) => g.alerts.map((a) => a.alert))).toEqual([
      'MariadbInstanceDown',
      'MariadbGaleraNotPrimary',
      'MariadbGaleraClusterIncomplete',
      'MariadbGaleraReplicationLag',
      'MariadbBackupFailed',
    ]);
  });

  it('installs the operator with its CRDs from the catalog in its own restricted namespace', () => {
    const operator = out.objects('mariadb-operator');
    expect(find(operator, 'Namespace', 'mariadb-operator').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const release = find(operator, 'HelmRelease', 'mariadb-operator');
    expect(find(operator, 'OCIRepository', 'mariadb-operator').spec.ref).toEqual({ tag: '9.9.9' });
    expect(release.spec.values.crds).toEqual({ enabled: true });
    expect(flows(operator)).toEqual([
      'allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'allow-mariadb-operator-to-api-server: instance=mariadb-operator -> 10.0.0.1/32 :6443',
      'allow-metrics-from-prometheus: name=mariadb-operator <- monitoring[name=prometheus] :8080',
      'allow-webhooks-from-api-server: name=mariadb-operator-webhook <- 10.0.0.1/32 :9443',
      'default-deny: * deny ingress+egress',
    ]);
  });

  const kubeconform = new Kubeconform();
  afterAll(() => kubeconform.dispose());
  it('writes objects that validate strictly against the Kubernetes and mariadb-operator schemas', async () => {
    const all = { operator: out.objects('mariadb-operator'), instance: objects };
    const result = await kubeconform.run(all);
    expect(problems(result)).toEqual([]);
    expect(result.summary.valid).toBe(all.operator.length + all.instance.length);
  });
});
