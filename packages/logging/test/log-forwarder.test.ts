import { describe, expect, it } from 'vitest';
import {
  AUDIT_LOG_PATH,
  LOG_FORWARDER_BUFFER_LIMIT,
  LOG_FORWARDER_CREDENTIALS_SECRET,
  LOG_FORWARDER_POD_SECURITY_EXCEPTION,
  LogForwarder,
} from '../src/index.js';
import { connect, testApp } from '../../../test-support/connect.js';
import { find, type K8sObject } from '../../../test-support/manifests.js';
import { catalog, policyFlow, sections } from './fixtures.js';

function render(clusterName = 'wc', network = {}) {
  const app = testApp();
  const component = new LogForwarder(app, 'fluent-bit', { catalog, clusterName, logStoreUrl: 'https://opensearch.sc.example.com' });
  connect(app, { network: { serviceClusterCidrs: ['192.0.2.20/32'], ...network } });
  const objects: K8sObject[] = component.toJson();
  const release = find(objects, 'HelmRelease', 'fluent-bit');
  const values = release.spec.values;
  return {
    component,
    objects,
    release,
    values,
    service: sections(values.config.service)[0]!.entries,
    inputs: sections(values.config.inputs).map((s) => s.entries),
    filters: sections(values.config.filters).map((s) => s.entries),
    outputs: sections(values.config.outputs).map((s) => s.entries),
  };
}

describe('LogForwarder', () => {
  const wcRender = render();

  it('deploys the fluent-bit chart at the catalog version as a DaemonSet in the logging namespace', () => {
    expect(wcRender.component.outputFile).toBe('controllers/fluent-bit.yaml');
    expect(wcRender.release.metadata.namespace).toBe('logging');
    expect(wcRender.release.spec.chart.spec).toMatchObject({ chart: 'fluent-bit', version: '9.9.1' });
    expect(wcRender.values.kind).toBe('DaemonSet');
  });

  it("ships to the service cluster's log store over TLS with verification, with the credentials of the declared Secret", () => {
    expect(wcRender.outputs).toHaveLength(2);
    for (const output of wcRender.outputs) {
      expect(output).toMatchObject({
        Name: 'opensearch',
        Host: 'opensearch.sc.example.com',
        Port: '443',
        tls: 'On',
        'tls.verify': 'On',
        HTTP_User: '${OPENSEARCH_USERNAME}',
        HTTP_Passwd: '${OPENSEARCH_PASSWORD}',
      });
    }
    expect(wcRender.values.env).toEqual([
      { name: 'OPENSEARCH_USERNAME', valueFrom: { secretKeyRef: { name: 'fluent-bit-credentials', key: 'OPENSEARCH_USERNAME' } } },
      { name: 'OPENSEARCH_PASSWORD', valueFrom: { secretKeyRef: { name: 'fluent-bit-credentials', key: 'OPENSEARCH_PASSWORD' } } },
    ]);
    expect(wcRender.component.requiredSecrets).toEqual([
      expect.objectContaining({ namespace: 'logging', name: LOG_FORWARDER_CREDENTIALS_SECRET, keys: ['OPENSEARCH_USERNAME', 'OPENSEARCH_PASSWORD'] }),
    ]);
    // no credential in the generated output
    expect(JSON.stringify(wcRender.objects)).not.toMatch(/password\s*[:=]\s*[^$]/i);
  });

  it('writes one daily index per kind of log: app-<cluster> for containers, audit-<cluster> for the audit log', () => {
    const byMatch = Object.fromEntries(wcRender.outputs.map((o) => [o.Match, o]));
    expect(Object.keys(byMatch).sort()).toEqual(['audit.*', 'kube.*']);
    expect(byMatch['kube.*']).toMatchObject({ Logstash_Format: 'On', Logstash_Prefix: 'app-wc', Logstash_DateFormat: '%Y.%m.%d' });
    expect(byMatch['audit.*']).toMatchObject({ Logstash_Format: 'On', Logstash_Prefix: 'audit-wc', Logstash_DateFormat: '%Y.%m.%d' });
    // the tags the outputs match are exactly the tags of the inputs
    expect(wcRender.inputs.map((i) => i.Tag).sort()).toEqual(['audit.*', 'kube.*']);
    // every record names its cluster
    expect(wcRender.filters).toContainEqual(expect.objectContaining({ Name: 'record_modifier', Match: '*', Record: 'cluster wc' }));
  });

  it('in a service cluster, ships to its own log store under its own name', () => {
    const { outputs } = render('sc');
    expect(outputs.map((o) => [o.Host, o.Logstash_Prefix])).toEqual([
      ['opensearch.sc.example.com', 'app-sc'],
      ['opensearch.sc.example.com', 'audit-sc'],
    ]);
  });

  it('collects container logs with Kubernetes metadata that pods cannot switch off', () => {
    const containers = wcRender.inputs.find((i) => i.Tag === 'kube.*')!;
    expect(containers).toMatchObject({ Name: 'tail', Path: '/var/log/containers/*.log', 'multiline.parser': 'docker, cri' });
    const kubernetes = wcRender.filters.find((f) => f.Name === 'kubernetes')!;
    expect(kubernetes).toMatchObject({ Match: 'kube.*', 'K8S-Logging.Exclude': 'Off', 'K8S-Logging.Parser': 'Off' });
  });

  it('collects the audit log on control-plane nodes', () => {
    const audit = wcRender.inputs.find((i) => i.Tag === 'audit.*')!;
    expect(audit).toMatchObject({ Name: 'tail', Path: AUDIT_LOG_PATH, Parser: 'json' });
    expect(AUDIT_LOG_PATH).toBe('/var/log/kubernetes/audit/audit.log');
    expect(wcRender.values.tolerations).toContainEqual({ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' });
  });

  it('buffers on the node disk and retries without limit, so nothing is lost while the service cluster is unreachable', () => {
    expect(wcRender.service['storage.path']).toBe('/var/fluent-bit/buffer/');
    for (const input of wcRender.inputs) {
      expect(input['storage.type']).toBe('filesystem');
      expect(input.DB).toMatch(/^\/var\/fluent-bit\/state\//);
    }
    for (const output of wcRender.outputs) {
      expect(output.Retry_Limit).toBe('False');
      expect(output['storage.total_limit_size']).toBe(LOG_FORWARDER_BUFFER_LIMIT);
    }
    expect(wcRender.values.daemonSetVolumes).toEqual([
      { name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'state', hostPath: { path: '/var/fluent-bit', type: 'DirectoryOrCreate' } },
    ]);
    expect(wcRender.values.daemonSetVolumeMounts).toEqual([
      { name: 'varlog', mountPath: '/var/log', readOnly: true },
      { name: 'state', mountPath: '/var/fluent-bit', readOnly: false },
    ]);
  });

  it('is a documented exception to the restricted profile, and the container stays unprivileged', () => {
    const ns = find(wcRender.objects, 'Namespace', 'logging');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(ns.metadata.annotations['platform.ck8s.io/pod-security-exception']).toBe(LOG_FORWARDER_POD_SECURITY_EXCEPTION);
    expect(LOG_FORWARDER_POD_SECURITY_EXCEPTION).toMatch(/hostPath.*\/var\/log/);
    expect(LOG_FORWARDER_POD_SECURITY_EXCEPTION).toMatch(/\/var\/fluent-bit/);
    expect(LOG_FORWARDER_POD_SECURITY_EXCEPTION).toMatch(/UID 0 only because/);
    expect(wcRender.values.securityContext).toEqual({
      runAsUser: 0,
      runAsNonRoot: false,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(wcRender.values.hostNetwork).toBe(false);
  });

  it('exposes metrics on 2020 without a ServiceMonitor', () => {
    expect(wcRender.values.metricsPort).toBe(2020);
    expect(wcRender.service).toMatchObject({ HTTP_Server: 'On', HTTP_Port: '2020' });
    expect(wcRender.values.serviceMonitor).toEqual({ enabled: false });
  });

  it('lets exactly the described flows through: service cluster, API server, Prometheus', () => {
    const policies = wcRender.objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([
      'allow-dns-egress',
      'allow-fluent-bit-to-api-server',
      'allow-fluent-bit-to-service-cluster',
      'allow-metrics-from-prometheus',
      'default-deny',
    ]);
    const pods = { 'app.kubernetes.io/name': 'fluent-bit' };
    expect(policyFlow(find(policies, 'NetworkPolicy', 'allow-fluent-bit-to-service-cluster'))).toEqual({
      name: 'allow-fluent-bit-to-service-cluster',
      direction: 'egress',
      pods,
      peers: ['192.0.2.20/32'],
      ports: ['443/TCP'],
    });
    expect(policyFlow(find(policies, 'NetworkPolicy', 'allow-fluent-bit-to-api-server'))).toEqual({
      name: 'allow-fluent-bit-to-api-server',
      direction: 'egress',
      pods,
      peers: ['10.0.0.1/32'],
      ports: ['6443/TCP'],
    });
    expect(policyFlow(find(policies, 'NetworkPolicy', 'allow-metrics-from-prometheus'))).toEqual({
      name: 'allow-metrics-from-prometheus',
      direction: 'ingress',
      pods,
      // whoever plays the scraper in the cluster: the server in a service cluster, the agent in a workload cluster
      peers: [{ namespace: 'monitoring', pods: { 'app.kubernetes.io/name': 'prometheus' } }],
      ports: ['2020/TCP'],
    });
    expect(wcRender.component.metrics).toEqual([expect.objectContaining({ name: 'fluent-bit', port: 2020, path: '/api/v2/metrics/prometheus' })]);
  });

  it('needs the addresses of the service cluster and of the API server', () => {
    expect(() => render('wc', { serviceClusterCidrs: [] })).toThrow(
      /network\.serviceClusterCidrs: is required: fluent-bit sends to the service cluster's ingress/,
    );
    expect(() => render('wc', { apiServer: undefined })).toThrow(/network\.apiServer: is required: fluent-bit must reach the Kubernetes API server/);
  });
});
