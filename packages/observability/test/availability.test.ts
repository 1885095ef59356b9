import { describe, expect, it } from 'vitest';
import { connect, testApp } from '../../../test-support/connect.js';
import { find, flows, type K8sObject } from '../../../test-support/manifests.js';
import {
  AvailabilityProbes,
  type AvailabilityProbesProps,
  availabilityRuleGroups,
  BURN_RATE_ALERTS,
  burnRateThreshold,
  errorBudget,
  MetricsStack,
  type ProbedEndpoint,
} from '../src/index.js';
import { catalog, serverProps } from './fixtures.js';

const endpoints: ProbedEndpoint[] = [
  { name: 'grafana', url: 'https://grafana.sc.example.com/api/health' },
  { name: 'dex', url: 'https://dex.sc.example.com/healthz' },
  { name: 'registry', url: 'https://registry.sc.example.com/api/v2.0/ping' },
];

/**
 * The probes beside the service cluster's metrics stack, which owns the monitoring namespace and
 * plays the scraper, with their NetworkPolicies derived as the profile derives them (a stand-in
 * plays the ingress controller).
 */
function synth(
  list: readonly ProbedEndpoint[] = endpoints,
  extra: Partial<AvailabilityProbesProps> = {},
): { component: AvailabilityProbes; objects: K8sObject[] } {
  const app = testApp();
  new MetricsStack(app, 'kube-prometheus-stack', serverProps());
  const component = new AvailabilityProbes(app, 'availability', { catalog, endpoints: list, ...extra });
  connect(app, { roles: ['ingress-controller'] });
  return { component, objects: component.toJson() };
}

describe('AvailabilityProbes', () => {
  const { component, objects } = synth();
  const rules = find(objects, 'PrometheusRule', 'availability').spec.groups.flatMap((g: K8sObject) => g.rules);
  const rule = (name: string): K8sObject => rules.find((r: K8sObject) => r.alert === name || r.record === name);

  it('deploys the pinned blackbox exporter with a restricted security context', () => {
    expect(component.outputFile).toBe('platform/availability.yaml');
    expect(find(objects, 'OCIRepository', 'prometheus-blackbox-exporter').spec).toMatchObject({
      url: 'oci://ghcr.io/prometheus-community/charts/prometheus-blackbox-exporter',
      ref: { tag: '11.17.2' },
    });
    const values = find(objects, 'HelmRelease', 'prometheus-blackbox-exporter').spec.values;
    expect(values.podSecurityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(values.config.modules.http_2xx).toMatchObject({ prober: 'http', http: { fail_if_not_ssl: true } });
  });

  it('probes every endpoint once a minute through the blackbox exporter', () => {
    const probes = objects.filter((o) => o.kind === 'Probe');
    expect(probes.map((p) => p.metadata.name)).toEqual(['endpoint-grafana', 'endpoint-dex', 'endpoint-registry']);
    for (const [i, p] of probes.entries()) {
      expect(p.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(p.metadata.namespace).toBe('monitoring');
      expect(p.spec).toEqual({
        jobName: 'availability',
        interval: '1m',
        module: 'http_2xx',
        prober: { url: 'prometheus-blackbox-exporter.monitoring.svc:9115', scheme: 'http', path: '/probe' },
        targets: { staticConfig: { static: [endpoints[i]!.url], labels: { endpoint: endpoints[i]!.name } } },
      });
    }
  });

  it('records availability and the remaining error budget over 30 days per endpoint', () => {
    expect(rule('endpoint:probe_success:ratio_avg30d').expr).toBe(
      'avg by (cluster, endpoint) (avg_over_time(probe_success{job="availability"}[30d]))',
    );
    expect(rule('endpoint:error_budget:remaining_ratio').expr).toBe('1 - (1 - endpoint:probe_success:ratio_avg30d) / 0.0005');
    for (const w of ['5m', '30m', '1h', '6h'])
      expect(rule(`endpoint:probe_errors:ratio_rate${w}`).expr).toBe(
        `1 - avg by (cluster, endpoint) (avg_over_time(probe_success{job="availability"}[${w}]))`,
      );
  });

  it('derives the burn-rate thresholds from the objective: 99.95 gives a budget of 0.0005, 14.4 x 0.0005 and 6 x 0.0005', () => {
    expect(errorBudget(99.95)).toBe(0.0005);
    expect(burnRateThreshold(99.95, 14.4)).toBe(0.0072);
    expect(burnRateThreshold(99.95, 6)).toBe(0.003);
    expect(rule('EndpointErrorBudgetBurnFast')).toMatchObject({
      expr: 'endpoint:probe_errors:ratio_rate1h > 0.0072 and endpoint:probe_errors:ratio_rate5m > 0.0072',
      for: '2m',
      labels: { severity: 'critical' },
    });
    expect(rule('EndpointErrorBudgetBurnSlow')).toMatchObject({
      expr: 'endpoint:probe_errors:ratio_rate6h > 0.003 and endpoint:probe_errors:ratio_rate30m > 0.003',
      for: '15m',
      labels: { severity: 'warning' },
    });
    expect(BURN_RATE_ALERTS.map((a) => [a.burnRate, a.longWindow, a.shortWindow])).toEqual([
      [14.4, '1h', '5m'],
      [6, '6h', '30m'],
    ]);
  });

  it('follows the objective it is given', () => {
    const strictRules = find(synth(endpoints, { objective: 99.9 }).objects, 'PrometheusRule', 'availability').spec.groups.flatMap(
      (g: K8sObject) => g.rules,
    );
    expect(strictRules.find((r: K8sObject) => r.alert === 'EndpointErrorBudgetBurnFast').expr).toBe(
      'endpoint:probe_errors:ratio_rate1h > 0.0144 and endpoint:probe_errors:ratio_rate5m > 0.0144',
    );
    expect(strictRules.find((r: K8sObject) => r.record === 'endpoint:error_budget:remaining_ratio').expr).toContain('/ 0.001');
    expect(errorBudget(99.99)).toBe(0.0001);
    expect(burnRateThreshold(99, 6)).toBe(0.06);
    expect(() => errorBudget(100)).toThrow('availability objective 100 is not a percentage between 0 and 100');
    expect(availabilityRuleGroups(99.5).map((g) => g.name)).toEqual(['availability-slo', 'availability-error-ratios', 'availability-burn-rate']);
  });

  it('gives every alert a severity, a summary and a description that names the cluster', () => {
    const alerts = rules.filter((r: K8sObject) => r.alert);
    expect(alerts.map((a: K8sObject) => a.alert)).toEqual([
      'EndpointErrorBudgetBurnFast',
      'EndpointErrorBudgetBurnSlow',
      'EndpointErrorBudgetExhausted',
    ]);
    for (const a of alerts) {
      expect(a.labels.severity).toMatch(/^(critical|warning)$/);
      expect(a.annotations.summary).toMatch(/\S/);
      expect(a.annotations.description).toContain('{{ $labels.cluster }}');
    }
  });

  it('lets Prometheus reach the exporter and the exporter reach endpoints on 443 only', () => {
    expect(flows(objects, { namespaces: true })).toEqual([
      'monitoring allow-blackbox-exporter-from-prometheus: name=prometheus-blackbox-exporter <- monitoring[name=prometheus] :9115',
      'monitoring allow-blackbox-exporter-to-endpoints: name=prometheus-blackbox-exporter -> ingress-nginx[instance=nginx-ingress,name=nginx-ingress] 0.0.0.0/0 ::/0 :443',
      'monitoring allow-prometheus-to-blackbox-exporter: name=prometheus -> monitoring[name=prometheus-blackbox-exporter] :9115',
    ]);
  });

  it('refuses endpoints it cannot probe or name', () => {
    expect(() => synth([{ name: 'grafana', url: 'http://grafana.sc.example.com' }])).toThrow(
      'availability: endpoint "grafana" has url "http://grafana.sc.example.com", which is not an https URL',
    );
    expect(() => synth([{ name: 'Grafana', url: 'https://grafana.sc.example.com' }])).toThrow('"endpoint-Grafana" is not a DNS-1123 label');
    expect(() => synth([endpoints[0]!, endpoints[0]!])).toThrow('availability: endpoint "grafana" is listed twice');
  });
});
