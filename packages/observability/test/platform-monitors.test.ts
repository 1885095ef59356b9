import { Component, componentsOf, type MetricsEndpoint } from '@ck8s/core';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { connect, testApp } from '../../../test-support/connect.js';
import { flows, type K8sObject } from '../../../test-support/manifests.js';
import { MetricsStack, PlatformMonitors } from '../src/index.js';
import { workloadProps, scrapeTargets } from './fixtures.js';

/** Components that declare metrics endpoints, as the platform's do; each owns the namespaces of its endpoints but Flux's. */
class Declarer extends Component {
  constructor(scope: Construct, targets: readonly MetricsEndpoint[]) {
    super(scope, 'declarer', { layer: 'controllers' });
    for (const ns of new Set(targets.map((t) => t.pods.namespace))) if (ns !== 'flux-system') this.addNamespace({ name: ns });
    for (const t of targets) this.addMetrics(t);
  }
}

describe('PlatformMonitors', () => {
  const component = new PlatformMonitors(testApp(), 'platform-monitors', { targets: scrapeTargets });
  const objects: K8sObject[] = component.toJson();

  it("scrapes every declared metrics endpoint by pod labels, in the platform layer (after the operator's CRDs exist)", () => {
    expect(component.outputFile).toBe('platform/platform-monitors.yaml');
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'PodMonitor/monitoring/cert-manager',
      'PodMonitor/monitoring/fluent-bit',
      'PodMonitor/monitoring/flux',
    ]);
    const byName = Object.fromEntries(objects.map((o) => [o.metadata.name, o.spec]));
    expect(byName['cert-manager']).toEqual({
      namespaceSelector: { matchNames: ['cert-manager'] },
      selector: { matchLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/component': 'controller' } },
      podMetricsEndpoints: [{ targetPort: 9402, path: '/metrics' }],
    });
    expect(byName['fluent-bit']).toEqual({
      namespaceSelector: { matchNames: ['logging'] },
      selector: { matchLabels: { 'app.kubernetes.io/name': 'fluent-bit' } },
      podMetricsEndpoints: [{ targetPort: 2020, path: '/api/v2/metrics/prometheus' }],
    });
    expect(byName['flux'].selector).toEqual({
      matchExpressions: [
        { key: 'app', operator: 'In', values: ['helm-controller', 'kustomize-controller', 'notification-controller', 'source-controller'] },
      ],
    });
  });

  it("scrapes only ports Prometheus's egress rules open and the components' ingress rules admit", () => {
    const app = testApp();
    const stack = new MetricsStack(app, 'kube-prometheus-stack', workloadProps);
    const declarer = new Declarer(app, scrapeTargets);
    // as a profile collects them: node-exporter's (monitor: false) is scraped through the chart's ServiceMonitor
    const targets = componentsOf(app)
      .flatMap((c) => c.metrics)
      .filter((m) => m.monitor ?? true);
    const monitors = new PlatformMonitors(app, 'platform-monitors', { targets });
    connect(app, { roles: ['ingress-controller'] });
    const egress: K8sObject[] = stack.toJson().filter((o: K8sObject) => o.kind === 'NetworkPolicy' && o.spec.egress);
    const podMonitors: K8sObject[] = monitors.toJson();
    expect(podMonitors.map((m) => m.metadata.name)).toEqual(['cert-manager', 'fluent-bit', 'flux']);
    for (const m of podMonitors) {
      const [namespace] = m.spec.namespaceSelector.matchNames;
      const port = m.spec.podMetricsEndpoints[0].targetPort;
      const open = egress.filter((p) =>
        p.spec.egress.some(
          (r: K8sObject) =>
            r.to.some((peer: K8sObject) => peer.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === namespace) &&
            r.ports.some((p: K8sObject) => p.port === port),
        ),
      );
      expect(
        open.map((p) => p.metadata.name),
        m.metadata.name,
      ).toEqual([`allow-prometheus-to-${namespace}`]);
    }
    expect(flows(declarer.toJson(), { namespaces: true }).filter((f) => f.includes('prometheus'))).toEqual([
      'cert-manager allow-metrics-from-prometheus: component=controller,name=cert-manager <- monitoring[name=prometheus] :9402',
      'logging allow-metrics-from-prometheus: name=fluent-bit <- monitoring[name=prometheus] :2020',
    ]);
  });
});
