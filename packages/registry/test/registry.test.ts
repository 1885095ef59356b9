import { afterAll, describe, expect, it } from 'vitest';
import { connect, testApp } from '../../../test-support/connect.js';
import { Kubeconform, problems } from '../../../test-support/kubeconform.js';
import { find, flows, type K8sObject } from '../../../test-support/manifests.js';
import { execFileSync } from 'node:child_process';
import {
  DATABASE_DUMP_SECRET,
  HARBOR_DB_IMAGE,
  oldDumpsFilter,
  Registry,
  type RegistryProps,
  REGISTRY_SECRETS,
  registryConfiguration,
} from '../src/index.js';
import { props, storage, tenants } from './fixtures.js';

function render(extra: Partial<RegistryProps> = {}, network = {}) {
  const app = testApp();
  const component = new Registry(app, 'harbor', { ...props, ...extra });
  connect(app, { network });
  const objects: K8sObject[] = component.toJson();
  const release = find(objects, 'HelmRelease', 'harbor');
  const configMap = find(objects, 'ConfigMap', 'harbor-projects');
  return { component, objects, release, values: release.spec.values, configMap, projects: JSON.parse(configMap.data['harbor-projects.json']) };
}

describe('Registry', () => {
  const out = render();

  it('deploys the catalog chart into its own restricted harbor namespace', () => {
    expect(out.component.outputFile).toBe('controllers/harbor.yaml');
    expect(out.release.spec.chart.spec).toMatchObject({ chart: 'harbor', version: '9.9.9' });
    // cluster-scoped: the namespace, and the binding of the account Flux installs the chart as
    expect(
      out.objects.every((o) =>
        o.kind === 'Namespace'
          ? o.metadata.name === 'harbor'
          : o.kind === 'ClusterRoleBinding'
            ? o.subjects.every((s: { namespace?: string }) => s.namespace === 'harbor')
            : o.metadata.namespace === 'harbor',
      ),
    ).toBe(true);
    expect(find(out.objects, 'Namespace', 'harbor').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
    });
    expect(out.values.containerSecurityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('serves its host through the ingress controller: the host the workload clusters pull tenant images from', () => {
    const allowed = 'registry.sc.example.com';
    expect(out.values.externalURL).toBe(`https://${allowed}`);
    expect(out.component.endpoints).toEqual([
      expect.objectContaining({
        name: 'registry',
        host: allowed,
        pods: expect.objectContaining({ namespace: 'harbor' }),
        service: { name: 'harbor', port: 80 },
        targetPort: 8080,
      }),
    ]);
    expect(out.component.endpoints[0]!.ingressAnnotations!['nginx.org/client-max-body-size']).toBe('0');
    expect(out.component.oidcClients).toEqual([{ id: 'harbor', name: 'Harbor', redirectURIs: ['https://registry.sc.example.com/c/oidc/callback'] }]);
    expect(out.values.expose).toEqual({ type: 'clusterIP', tls: { enabled: false }, clusterIP: { name: 'harbor', ports: { httpPort: 80 } } });
  });

  it('stores images in the configured bucket with keys from a sops Secret, and keeps pulls going through Harbor', () => {
    expect(out.values.persistence.imageChartStorage).toEqual({
      type: 's3',
      disableredirect: true,
      s3: {
        region: 'eu-north-1',
        bucket: 'ck8s-registry',
        regionendpoint: 'https://s3.example.com',
        existingSecret: 'harbor-s3',
        secure: true,
        v4auth: true,
      },
    });
    expect(out.values.existingSecretAdminPassword).toBe('harbor-admin');
    expect(out.values.existingSecretAdminPasswordKey).toBe('HARBOR_ADMIN_PASSWORD');
    expect(out.values.existingSecretSecretKey).toBe('harbor-secret-key');
    expect(out.values.registry.credentials).toEqual({ existingSecret: 'harbor-registry-credentials' });
    expect(out.release.spec.valuesFrom).toEqual([
      { kind: 'Secret', name: 'harbor-database', valuesKey: 'password', targetPath: 'database.internal.password' },
    ]);
    // no credential in the values
    expect(JSON.stringify(out.values)).not.toMatch(/"(harborAdminPassword|accesskey|secretkey|secretKey|password)":|Harbor12345|changeit/);
  });

  it('declares every Secret it reads with its keys', () => {
    expect(out.component.requiredSecrets.map((s) => [s.namespace, s.name, s.keys])).toEqual([
      ['harbor', 'harbor-s3', ['REGISTRY_STORAGE_S3_ACCESSKEY', 'REGISTRY_STORAGE_S3_SECRETKEY']],
      ['harbor', 'harbor-admin', ['HARBOR_ADMIN_PASSWORD']],
      ['harbor', 'harbor-oidc', ['client-secret']],
      ['harbor', 'harbor-secret-key', ['secretKey']],
      ['harbor', 'harbor-registry-credentials', ['REGISTRY_PASSWD', 'REGISTRY_HTPASSWD']],
      ['harbor', 'harbor-database', ['password']],
    ]);
    expect(Object.values(REGISTRY_SECRETS).map((s) => s.name)).toEqual(out.component.requiredSecrets.map((s) => s.name));
  });

  it('signs people in through the identity provider with client harbor, the secret expanded by kubelet from its Secret', () => {
    const env = out.values.core.extraEnvVars;
    expect(env[0]).toEqual({ name: 'HARBOR_OIDC_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'harbor-oidc', key: 'client-secret' } } });
    expect(env[1].name).toBe('CONFIG_OVERWRITE_JSON');
    expect(JSON.parse(env[1].value)).toEqual({
      auth_mode: 'oidc_auth',
      oidc_name: 'Single sign-on',
      oidc_endpoint: 'https://dex.sc.example.com',
      oidc_client_id: 'harbor',
      oidc_client_secret: '$(HARBOR_OIDC_CLIENT_SECRET)',
      oidc_scope: 'openid,profile,email,groups,offline_access',
      oidc_verify_cert: true,
      oidc_auto_onboard: true,
      oidc_user_claim: 'email',
      oidc_groups_claim: 'groups',
      oidc_admin_group: 'platform-operators',
    });
  });

  it('runs Trivy and scans every tenant project on push', () => {
    expect(out.values.trivy).toMatchObject({ enabled: true, skipUpdate: false });
    expect(out.projects.projects.length).toBeGreaterThan(0);
    for (const p of out.projects.projects) expect(p.project.metadata.auto_scan).toBe('true');
  });

  it('refuses pulls of images with findings at or above the configured severity', () => {
    for (const p of out.projects.projects) expect(p.project.metadata).toMatchObject({ prevent_vul: 'true', severity: 'critical' });
    const projects = registryConfiguration({ host: 'registry.sc.example.com', clusterName: 'sc', tenants }).projects;
    expect(projects.map((p) => p.project.metadata.severity)).toEqual(['high', 'high', 'high']);
  });

  it('creates one private project per tenant of each of its workload clusters, with the tenant groups as members', () => {
    expect(
      out.projects.projects.map((p: K8sObject) => [p.cluster, p.tenant, p.project.project_name, p.project.public, p.project.metadata.public]),
    ).toEqual([
      ['wc-a', 'team-a', 'wc-a-team-a', false, 'false'],
      ['wc-a', 'team-b', 'wc-a-team-b', false, 'false'],
      ['wc-b', 'team-a', 'wc-b-team-a', false, 'false'],
    ]);
    expect(out.projects.projects[0].members).toEqual([
      { role_id: 1, member_group: { group_name: 'team-a-admins', group_type: 3 } },
      { role_id: 1, member_group: { group_name: 'team-a-leads', group_type: 3 } },
      { role_id: 3, member_group: { group_name: 'team-a-developers', group_type: 3 } },
    ]);
    expect(out.projects.registry).toBe('registry.sc.example.com');
  });

  it('creates one robot account per configured entry with push and pull on every project', () => {
    expect(out.projects.robots.map((r: K8sObject) => [r.name, r.level])).toEqual([
      ['ci', 'system'],
      ['release', 'system'],
    ]);
    for (const robot of out.projects.robots) {
      expect(robot.permissions).toEqual(
        ['wc-a-team-a', 'wc-a-team-b', 'wc-b-team-a'].map((namespace) => ({
          kind: 'project',
          namespace,
          access: [
            { resource: 'repository', action: 'push' },
            { resource: 'repository', action: 'pull' },
          ],
        })),
      );
    }
  });

  it('publishes the same deterministic configuration in the ConfigMap and from registryConfiguration', () => {
    const expected = registryConfiguration({
      host: props.host,
      clusterName: 'sc',
      tenants,
      blockSeverity: 'critical',
      robotAccounts: ['ci', 'release'],
    });
    expect(out.projects).toEqual(expected);
    expect(out.component.configuration).toEqual(expected);
    // the order of the tenants does not matter
    const reversed = registryConfiguration({
      host: props.host,
      clusterName: 'sc',
      tenants: [...tenants].reverse(),
      blockSeverity: 'critical',
      robotAccounts: ['ci', 'release'],
    });
    expect(JSON.stringify(reversed)).toBe(JSON.stringify(expected));
    expect(Object.keys(out.configMap.data).sort()).toEqual(['apply-projects.sh', 'harbor-projects.json']);
  });

  it('allows only the flows Harbor needs', () => {
    expect(flows(out.objects)).toEqual([
      'allow-core-to-identity-provider: app=harbor,component=core -> 192.0.2.10/32 :443',
      'allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      // Prometheus scrapes core, jobservice, the registry and the exporter on the metrics port only
      'allow-harbor-exporter-metrics-from-prometheus: app=harbor,component=exporter <- monitoring[name=prometheus] :8001',
      'allow-harbor-internal-egress: * -> harbor[*] :5000,5432,6379,8080',
      'allow-harbor-internal-ingress: * <- harbor[*] :5000,5432,6379,8080',
      'allow-harbor-jobservice-metrics-from-prometheus: app=harbor,component=jobservice <- monitoring[name=prometheus] :8001',
      'allow-harbor-registry-metrics-from-prometheus: app=harbor,component=registry <- monitoring[name=prometheus] :8001',
      'allow-metrics-from-prometheus: app=harbor,component=core <- monitoring[name=prometheus] :8001',
      'allow-registry-from-ingress-controller: app=harbor,component=nginx <- ingress-nginx[instance=nginx-ingress,name=nginx-ingress] :8080',
      'allow-registry-to-object-storage: app=harbor,component=registry -> 198.51.100.0/24 :443',
      'allow-trivy-db-download: app=harbor,component=trivy -> 0.0.0.0/0 ::/0 :443',
      'default-deny: * deny ingress+egress',
    ]);
  });

  it("serves Harbor's metrics and declares alerts on its failure modes from them", () => {
    expect(out.values.metrics).toEqual({ enabled: true });
    expect(out.values.exporter.resources.limits.memory).toBe('128Mi');
    expect(out.component.metrics.map((m) => `${m.name}:${m.pods.labels!.component}:${m.port}`)).toEqual([
      'harbor-core:core:8001',
      'harbor-registry:registry:8001',
      'harbor-jobservice:jobservice:8001',
      'harbor-exporter:exporter:8001',
    ]);
    const alerts = out.component.alertGroups.flatMap((g) => g.alerts);
    expect(alerts.map((a) => a.alert)).toEqual([
      'HarborComponentUnhealthy',
      'HarborCoreErrors',
      'HarborRegistryErrors',
      'HarborJobsFailing',
      'HarborProjectQuotaNearLimit',
    ]);
    expect(alerts.find((a) => a.alert === 'HarborJobsFailing')!.expr).toContain('harbor_jobservice_task_total{namespace="harbor", status="fail"}');
  });

  it('uses the object storage port of the endpoint', () => {
    const objects = render({ storage: { ...storage, endpoint: 'https://minio.example.com:9000' } }).objects;
    expect(flows(objects)).toContain('allow-registry-to-object-storage: app=harbor,component=registry -> 198.51.100.0/24 :9000');
  });

  it('explains configuration problems with the file and field', () => {
    expect(() => render({}, { objectStorageCidrs: [] })).toThrow(
      /clusters\/test\/cluster.yaml: network.objectStorageCidrs: is required: harbor stores data in https:\/\/s3.example.com/,
    );
    expect(() => render({}, { serviceClusterCidrs: [] })).toThrow(
      /network.serviceClusterCidrs: is required: harbor signs people in at the service cluster's identity provider/,
    );
    expect(() => render({ robotAccounts: ['ci', 'ci'] })).toThrow(/registry: robot account "ci" is listed twice/);
  });
});

const backupStorage = { endpoint: 'https://s3.example.com', bucket: 'ck8s-backups', region: 'eu-north-1' };
const databaseDump: RegistryProps['databaseDump'] = {
  objectStorage: backupStorage,
  prefix: 'sc',
  schedule: { cron: '30 1 * * *', timeZone: 'Europe/Stockholm' },
};

describe('the daily dump of the registry database', () => {
  const out = render({ databaseDump });
  const cronJob = find(out.objects, 'CronJob', 'harbor-database-dump');
  const pod = cronJob.spec.jobTemplate.spec.template.spec;

  it('is off without object storage for it', () => {
    expect(render().objects.find((o) => o.kind === 'CronJob')).toBeUndefined();
    expect(render().component.requiredSecrets.map((s) => s.name)).not.toContain(DATABASE_DUMP_SECRET.name);
  });

  it('runs daily at the backup time in its time zone, one run at a time', () => {
    expect(cronJob.spec).toMatchObject({ schedule: '30 1 * * *', timeZone: 'Europe/Stockholm', concurrencyPolicy: 'Forbid' });
  });

  it("dumps the registry database with pg_dump from the database's own image, with the database's password", () => {
    const [dump] = pod.initContainers;
    expect(dump.image).toBe(`${HARBOR_DB_IMAGE.repository}:${HARBOR_DB_IMAGE.tag}`);
    expect(out.values.database.internal.image).toEqual(HARBOR_DB_IMAGE);
    expect(dump.command).toEqual(['pg_dump']);
    expect(dump.args).toEqual(
      expect.arrayContaining(['--host=harbor-database', '--dbname=registry', '--format=custom', '--file=/dump/registry.dump']),
    );
    expect(dump.env).toEqual([{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: REGISTRY_SECRETS.database.name, key: 'password' } } }]);
  });

  it("uploads to the backup bucket under the cluster's prefix with keys from a declared sops Secret, and may reach only that bucket", () => {
    const [upload] = pod.containers;
    const env = Object.fromEntries(upload.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      BUCKET: 'ck8s-backups',
      DUMP_PATH: 'harbor-database/sc/',
      RCLONE_CONFIG_DUMPS_TYPE: 's3',
      RCLONE_CONFIG_DUMPS_ENDPOINT: 'https://s3.example.com',
      RCLONE_CONFIG_DUMPS_ACCESS_KEY_ID: { secretKeyRef: { name: 'harbor-database-dump-s3', key: 'access-key-id' } },
    });
    expect(out.component.requiredSecrets).toContainEqual(expect.objectContaining({ ...DATABASE_DUMP_SECRET, namespace: 'harbor' }));
    expect(flows(out.objects).filter((f) => f.includes('harbor-database-dump'))).toEqual([
      expect.stringMatching(/^allow-harbor-database-dump-to-object-storage: name=harbor-database-dump -> [0-9./]+ :[0-9]+$/),
    ]);
  });

  it('runs restricted, non-root, without a service account token, with requests and memory limits', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext, c.name).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
      });
      expect(c.resources.requests, c.name).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources.limits.memory, c.name).toEqual(expect.any(String));
    }
  });

  it('deletes all but the newest dumps, by name (a UTC timestamp), and nothing else in the folder', () => {
    const listing = [
      'registry-20260101T003000Z.dump',
      'registry-20260104T003000Z.dump',
      'registry-20260102T003000Z.dump',
      'notes.txt',
      'registry-20260103T003000Z.dump',
    ].join('\n');
    const old = (keep: number) =>
      execFileSync('sh', ['-c', oldDumpsFilter(keep)], { input: `${listing}\n`, encoding: 'utf8' })
        .trim()
        .split('\n');
    expect(old(3)).toEqual(['registry-20260101T003000Z.dump']);
    expect(old(2)).toEqual(['registry-20260102T003000Z.dump', 'registry-20260101T003000Z.dump']);
  });
});

describe('kubeconform -strict on the registry', () => {
  const kubeconform = new Kubeconform();
  afterAll(() => kubeconform.dispose());

  it('accepts every object: Namespace, NetworkPolicies, ConfigMap, CronJob, HelmRepository and HelmRelease', async () => {
    const objects = render({ databaseDump }).objects;
    const result = await kubeconform.run({ harbor: objects });
    expect(problems(result)).toEqual([]);
    expect(result.summary).toEqual({ valid: objects.length, invalid: 0, errors: 0, skipped: 0 });
    const kinds = new Set(result.resources.map((r) => `${r.version}/${r.kind}`));
    for (const kind of [
      'v1/Namespace',
      'v1/ConfigMap',
      'batch/v1/CronJob',
      'networking.k8s.io/v1/NetworkPolicy',
      'source.toolkit.fluxcd.io/v1/HelmRepository',
      'helm.toolkit.fluxcd.io/v2/HelmRelease',
    ])
      expect(kinds).toContain(kind);
  });
});
