import { ChartCatalog, FLUX_API } from '@ck8s/core';
import { afterAll, describe, expect, it } from 'vitest';
import { Kubeconform, problems } from '../../../test-support/kubeconform.js';
import { find, flows, type K8sObject } from '../../../test-support/manifests.js';
import { dataServiceImages, RABBITMQ_IMAGE } from '../src/index.js';
import { compose, tenantsOf } from './support.js';

/** A tag and commit deliberately not the pinned ones: the operator must take them from the catalog. */
const catalog = new ChartCatalog([], 'charts/catalog.yaml', undefined, [
  {
    name: 'rabbitmq-cluster-operator',
    repository: 'https://github.com/rabbitmq/cluster-operator',
    tag: 'v9.9.9',
    commit: 'a'.repeat(40),
    path: 'config/installation',
    registries: ['ghcr.io'],
  },
]);

const teamA = [{ name: 'team-a', services: [{ kind: 'rabbitmq', name: 'events', replicas: 3 }] }];

describe('RabbitMQ', () => {
  const out = compose(catalog, tenantsOf(teamA));
  const objects = out.objects('team-a-events');
  const cluster = find(objects, 'RabbitmqCluster', 'events', 'team-a');

  it("runs the declared nodes at the pinned image, with the tenant's requests and a memory limit, and the platform's default user", () => {
    expect(cluster.spec).toEqual({
      replicas: 3,
      image: RABBITMQ_IMAGE,
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } },
      persistence: { storage: '10Gi' },
      secretBackend: { externalSecret: { name: 'events-credentials' } },
      service: { type: 'ClusterIP' },
    });
    expect(dataServiceImages(tenantsOf(teamA)[0]!.services)).toEqual([
      'docker.io/library/rabbitmq:4.2.6-management',
      'docker.io/rclone/rclone:1.76.0',
    ]);
  });

  it('generates the default user in the form the operator reads, and asks for a scoped key for the export', async () => {
    const secrets = out.byName.get('team-a-events')!.requiredSecrets;
    const credentials = secrets.find((s) => s.name === 'events-credentials')!;
    expect(await credentials.generate!({ password: () => 'p4ss' } as never)).toEqual({
      username: 'app',
      password: 'p4ss',
      'default_user.conf': 'default_user = app\ndefault_pass = p4ss\n',
    });
    expect(secrets.find((s) => s.name === 'events-backup-s3')!.generate).toBeUndefined();
  });

  it('exports the definitions daily at the platform time to its own path, keeping backup.keep exports', () => {
    const job = find(objects, 'CronJob', 'events-definitions-export', 'team-a');
    expect(job.spec).toMatchObject({ schedule: '30 1 * * *', timeZone: 'Europe/Stockholm', concurrencyPolicy: 'Forbid' });
    const container = job.spec.jobTemplate.spec.template.spec.containers[0];
    expect(container.command[2]).toContain('rclone copyurl "http://$USERNAME:$PASSWORD@events.team-a.svc:15672/api/definitions"');
    expect(container.command[2]).toContain("awk 'NR > 5'");
    expect(container.env).toContainEqual({ name: 'EXPORT_PATH', value: 'rabbitmq/wc/team-a/events/' });
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it("is reached by its tenant's pods only; the nodes cluster among themselves; the operator reaches the management API", () => {
    expect(flows(objects, { namespaces: true }).sort()).toEqual(
      [
        'team-a allow-team-a-events-export-to-team-a-events: name=events-definitions-export -> team-a[component=rabbitmq,name=events] :15672',
        'team-a allow-team-a-events-from-team-a-events-export: component=rabbitmq,name=events <- team-a[name=events-definitions-export] :15672',
        'team-a allow-team-a-events-export-to-object-storage: name=events-definitions-export -> 198.51.100.0/24 :443',
        'team-a allow-team-a-to-team-a-events: * -> team-a[component=rabbitmq,name=events] :5672,5552,15672',
        'team-a allow-team-a-events-from-team-a: component=rabbitmq,name=events <- team-a[*] :5672,5552,15672',
        'team-a allow-team-a-events-internal-egress: component=rabbitmq,name=events -> team-a[component=rabbitmq,name=events] :4369,25672,15672,5672',
        'team-a allow-team-a-events-internal-ingress: component=rabbitmq,name=events <- team-a[component=rabbitmq,name=events] :4369,25672,15672,5672',
        'team-a allow-team-a-events-to-api-server: component=rabbitmq,name=events -> 10.0.0.1/32 :6443',
        'rabbitmq-system allow-rabbitmq-cluster-operator-to-team-a-events: name=rabbitmq-cluster-operator -> team-a[component=rabbitmq,name=events] :15672',
        'team-a allow-team-a-events-from-rabbitmq-cluster-operator: component=rabbitmq,name=events <- rabbitmq-system[name=rabbitmq-cluster-operator] :15672',
        'team-a allow-rabbitmq-team-a-events-metrics-from-prometheus: component=rabbitmq,name=events <- monitoring[name=prometheus] :15692',
      ].sort(),
    );
  });

  it("applies the operator's upstream manifests at the catalog's tag and commit, in the platform's namespace, with the release image", () => {
    const operator = out.objects('rabbitmq-cluster-operator');
    expect(find(operator, 'Namespace', 'rabbitmq-system').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(find(operator, 'GitRepository', 'rabbitmq-cluster-operator').spec).toMatchObject({
      url: 'https://github.com/rabbitmq/cluster-operator',
      ref: { tag: 'v9.9.9', commit: 'a'.repeat(40) },
    });
    const kustomization = find(operator, 'Kustomization', 'rabbitmq-cluster-operator');
    expect(kustomization.apiVersion).toBe(FLUX_API.kustomize);
    expect(kustomization.spec).toMatchObject({ path: './config/installation', serviceAccountName: 'flux-rabbitmq-cluster-operator', prune: true });
    // its Certificate waits for cert-manager's CRDs: retried within minutes, not at the 30m interval
    expect(kustomization.spec.retryInterval).toBe('2m');
    expect(kustomization.spec.patches.map((p: K8sObject) => p.target)).toEqual([
      { kind: 'Namespace' },
      { kind: 'Deployment', name: 'rabbitmq-cluster-operator' },
    ]);
    expect(kustomization.spec.patches[1].patch).toContain('value: ghcr.io/rabbitmq/cluster-operator:2.22.3');
    expect(out.byName.get('rabbitmq-cluster-operator')!.imageRegistries).toEqual([{ namespace: 'rabbitmq-system', registries: ['ghcr.io'] }]);
  });

  it('refuses an Argo CD cluster, which has no way to apply the upstream manifests yet', () => {
    expect(() => compose(catalog, tenantsOf(teamA), true, 'argocd')).toThrow('not supported with gitops.engine argocd yet');
  });

  const kubeconform = new Kubeconform();
  afterAll(() => kubeconform.dispose());
  it('writes objects that validate strictly against the Kubernetes, Flux and RabbitMQ schemas', async () => {
    const all = { operator: out.objects('rabbitmq-cluster-operator'), instance: objects };
    const result = await kubeconform.run(all);
    expect(problems(result)).toEqual([]);
    expect(result.summary.valid).toBe(all.operator.length + all.instance.length);
  });
});
