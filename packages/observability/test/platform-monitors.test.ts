import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PLATFORM_METRICS_PORTS, PLATFORM_SCRAPE_TARGETS, PlatformMonitors, SCRAPED_PLATFORM_NAMESPACES } from '../src/index.js';
import { type Manifest, sc, wc } from './fixtures.js';

describe('PlatformMonitors', () => {
  for (const cluster of [sc, wc]) {
    const component = new PlatformMonitors(new App(), 'platform-monitors', { cluster });
    const objects = component.toJson() as Manifest[];

    it(`${cluster.profile}: scrapes every platform component by pod labels, after the operator's CRDs exist`, () => {
      expect(component.outputFile).toBe('platform/platform-monitors.yaml');
      expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
        'PodMonitor/monitoring/ingress-nginx',
        'PodMonitor/monitoring/cert-manager',
        'PodMonitor/monitoring/falco',
        'PodMonitor/monitoring/fluent-bit',
        'PodMonitor/monitoring/velero',
        'PodMonitor/monitoring/flux',
      ]);
      const byName = Object.fromEntries(objects.map((o) => [o.metadata.name, o.spec]));
      expect(byName['fluent-bit']).toEqual({
        namespaceSelector: { matchNames: ['logging'] },
        selector: { matchLabels: { 'app.kubernetes.io/name': 'fluent-bit' } },
        podMetricsEndpoints: [{ targetPort: 2020, path: '/api/v2/metrics/prometheus' }],
      });
      expect(byName['flux'].selector.matchExpressions[0].values).toContain('kustomize-controller');
    });
  }

  it("scrapes only ports and namespaces Prometheus's egress rule opens", () => {
    for (const t of PLATFORM_SCRAPE_TARGETS) {
      expect(PLATFORM_METRICS_PORTS, t.name).toContain(t.port);
      expect(SCRAPED_PLATFORM_NAMESPACES, t.name).toContain(t.namespace);
    }
  });
});
