import { ChartCatalog } from '@ck8s/core';
import { afterAll, describe, expect, it } from 'vitest';
import { Kubeconform, problems } from '../../../test-support/kubeconform.js';
import { find, flows } from '../../../test-support/manifests.js';
import { dataServiceImages } from '../src/index.js';
import { compose, tenantsOf } from './support.js';

/** The version is deliberately not the pinned one: the release must take it from the catalog. */
const catalog = new ChartCatalog([{ name: 'nats', repository: 'https://nats-io.github.io/k8s/helm/charts', chart: 'nats', version: '9.9.9' }]);

const teamA = [{ name: 'team-a', services: [{ kind: 'nats', name: 'stream', replicas: 3, jetstream: { storage: '10Gi' } }] }];

describe('NATS', () => {
  const out = compose(catalog, tenantsOf(teamA));
  const objects = out.objects('team-a-stream');
  const release = find(objects, 'HelmRelease', 'stream', 'team-a');
  const values = release.spec.values;

  it("is a release of the NATS chart from the catalog in the tenant's namespace, installed with the tenant's own rights", () => {
    expect(find(objects, 'HelmRepository', 'stream', 'team-a').spec.url).toBe('https://nats-io.github.io/k8s/helm/charts');
    expect(release.spec.chart.spec).toMatchObject({ chart: 'nats', version: '9.9.9' });
    // the tenant's own account (admin in its namespace): any account in a tenant's namespace is usable by its pods
    expect(release.spec.serviceAccountName).toBe('flux-reconciler');
    expect(objects.filter((o) => ['ServiceAccount', 'ClusterRoleBinding', 'RoleBinding'].includes(o.kind))).toEqual([]);
    // no operator: nothing outside the tenants layer
    expect([...out.byName.values()].filter((c) => c.layer !== 'tenants' && c.componentName !== 'role-players')).toEqual([]);
  });

  it('runs the declared servers as one cluster with JetStream on a volume of the declared size', () => {
    expect(values.fullnameOverride).toBe('stream');
    expect(values.config.cluster).toEqual({ enabled: true, replicas: 3 });
    expect(values.config.jetstream).toMatchObject({ enabled: true, fileStore: { pvc: { enabled: true, size: '10Gi' } } });
    const single = compose(catalog, tenantsOf([{ name: 'team-a', services: [{ kind: 'nats', name: 'stream', replicas: 1 }] }]));
    const bare = find(single.objects('team-a-stream'), 'HelmRelease', 'stream', 'team-a').spec.values;
    expect([bare.config.cluster, bare.config.jetstream]).toEqual([{ enabled: false }, { enabled: false }]);
  });

  it('holds the server and its exporter to restricted with requests and a memory limit', () => {
    expect(values.podTemplate.merge.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true };
    expect(values.container.merge.securityContext).toMatchObject(restricted);
    expect(values.container.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '512Mi' } });
    expect(values.promExporter.merge.securityContext).toMatchObject(restricted);
    expect(values.promExporter.merge.resources.limits.memory).toBeDefined();
    // no sidecar that signals across containers, no debugging Deployment
    expect([values.reloader.enabled, values.natsBox.enabled]).toEqual([false, false]);
  });

  it('signs clients in with generated credentials the servers read from a sops Secret', async () => {
    const [credentials] = out.byName.get('team-a-stream')!.requiredSecrets;
    expect(credentials).toMatchObject({ namespace: 'team-a', name: 'stream-credentials', keys: ['username', 'password'] });
    expect(await credentials!.generate!({ password: () => 'p4ssw0rd' } as never)).toEqual({ username: 'app', password: 'p4ssw0rd' });
    expect(values.config.merge.authorization).toEqual({ user: '<< $NATS_USER >>', password: '<< $NATS_PASSWORD >>' });
    expect(values.container.env.NATS_PASSWORD).toEqual({ valueFrom: { secretKeyRef: { name: 'stream-credentials', key: 'password' } } });
  });

  it("admits in the tenant's namespace exactly the server and exporter images", () => {
    expect(dataServiceImages(tenantsOf(teamA)[0]!.services)).toEqual([
      'docker.io/nats:2.14.2-alpine',
      'docker.io/natsio/prometheus-nats-exporter:0.20.1',
    ]);
  });

  it("is reached on 4222 by its tenant's pods only; the servers route to each other on 6222", () => {
    const server = 'component=nats,instance=stream,name=nats';
    expect(flows(objects, { namespaces: true }).sort()).toEqual(
      [
        `team-a allow-team-a-to-team-a-stream: * -> team-a[${server}] :4222`,
        `team-a allow-team-a-stream-from-team-a: ${server} <- team-a[*] :4222`,
        `team-a allow-team-a-stream-internal-egress: ${server} -> team-a[${server}] :6222`,
        `team-a allow-team-a-stream-internal-ingress: ${server} <- team-a[${server}] :6222`,
        `team-a allow-nats-team-a-stream-metrics-from-prometheus: ${server} <- monitoring[name=prometheus] :7777`,
      ].sort(),
    );
    // one server has no peers: no routes
    const single = compose(catalog, tenantsOf([{ name: 'team-a', services: [{ kind: 'nats', name: 'stream', replicas: 1 }] }]));
    expect(flows(single.objects('team-a-stream'), { namespaces: true }).filter((f) => f.includes('6222'))).toEqual([]);
  });

  it('is scraped as job nats, without the JetStream series whose label would replace the cluster label', () => {
    const component = out.byName.get('team-a-stream')!;
    expect(component.metrics).toEqual([expect.objectContaining({ port: 7777, job: 'nats' })]);
    expect(values.promExporter.merge.args).not.toContain('-jsz=all');
    expect(component.alertGroups.flatMap((g) => g.alerts.map((a) => a.alert))).toEqual([
      'NatsServerDown',
      'NatsServerIsolated',
      'NatsJetStreamStorageFilling',
    ]);
  });

  const kubeconform = new Kubeconform();
  afterAll(() => kubeconform.dispose());
  it('writes objects that validate strictly against the Kubernetes and Flux schemas', async () => {
    const result = await kubeconform.run({ instance: objects });
    expect(problems(result)).toEqual([]);
    expect(result.summary.valid).toBe(objects.length);
  });
});
