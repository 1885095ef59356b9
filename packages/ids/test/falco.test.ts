import { ChartCatalog, GITOPS_ENGINE_CONTEXT } from '@ck8s/core';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { connect } from '../../../test-support/connect.js';
import { Falco, FALCO_POD_SECURITY_EXCEPTION, platformExceptions } from '../src/index.js';

const catalog = new ChartCatalog([{ name: 'falco', repository: 'https://falcosecurity.github.io/charts', chart: 'falco', version: '9.1.0' }]);
const props = {
  catalog,
  logStoreUrl: 'https://opensearch.sc.example.com',
  alertmanagerUrl: 'https://alertmanager.sc.example.com',
  minimumPriority: 'warning' as const,
};

describe('Falco', () => {
  const app = new App();
  const component = new Falco(app, 'falco', props);
  connect(app);
  const objects = component.toJson();
  const values = objects.find((o: any) => o.kind === 'HelmRelease').spec.values;

  it('never installs falco-talon, and serves the metrics its PodMonitor scrapes', () => {
    expect(values.responseActions).toEqual({ enabled: false });
    expect(values).not.toHaveProperty('falcotalon');
    expect(values.metrics).toEqual({ enabled: true });
  });

  it('uses the modern eBPF driver in least-privileged mode', () => {
    expect(values.driver).toEqual({ kind: 'modern_ebpf', modernEbpf: { leastPrivileged: true } });
  });

  it('loads the stable rule set only by default, and the platform exceptions', () => {
    expect(values.falco.rules_files).toEqual(['/etc/falco/falco_rules.yaml', '/etc/falco/rules.d']);
    expect(values.falcoctl.config.artifact.install.refs).toEqual(['falco-rules:5.1.0']);
    const rules = parse(values.customRules['ck8s-exceptions.yaml']);
    expect(rules).toEqual(
      platformExceptions('flux').map((e) => ({
        rule: e.rule,
        exceptions: [{ name: e.name, fields: e.fields, comps: e.comps, values: e.values }],
        override: { exceptions: 'append' },
      })),
    );
    // narrow: never a shell, privileged container, sensitive mount or sensitive read rule
    for (const e of [...platformExceptions('flux'), ...platformExceptions('argocd')]) expect(e.rule).not.toMatch(/shell|Privileged|Sensitive/i);
  });

  it("exempts only the cluster's own GitOps engine's namespace from the API-client rule", () => {
    const exempt = (v: any): string[] => parse(v.customRules['ck8s-exceptions.yaml'])[0].exceptions[0].values[0][0];
    expect(exempt(values)).toContain('flux-system');
    expect(exempt(values)).not.toContain('argocd');
    const argoApp = new App();
    argoApp.node.setContext(GITOPS_ENGINE_CONTEXT, 'argocd');
    // with Argo CD the chart is a Helm-source Application
    const argo = new Falco(argoApp, 'falco', props).toJson().find((o: any) => o.kind === 'Application').spec.source.helm.valuesObject;
    // Argo CD's controllers watch the API server; a namespace called flux-system there is anyone's
    expect(exempt(argo)).toContain('argocd');
    expect(exempt(argo)).not.toContain('flux-system');
    expect(argo.customRules['ck8s-exceptions.yaml']).toMatch(/# ck8s_platform_controllers: controllers of the platform \(Argo CD,/);
    expect(argo.customRules['ck8s-exceptions.yaml']).not.toMatch(/Flux/);
  });

  it('loads the incubating and sandbox rule sets when the cluster opts in', () => {
    const optIn = new Falco(new App(), 'falco', { ...props, incubatingRules: true, sandboxRules: true });
    const v = optIn.toJson().find((o: any) => o.kind === 'HelmRelease').spec.values;
    expect(v.falco.rules_files).toEqual([
      '/etc/falco/falco_rules.yaml',
      '/etc/falco/falco-incubating_rules.yaml',
      '/etc/falco/falco-sandbox_rules.yaml',
      '/etc/falco/rules.d',
    ]);
    expect(v.falcoctl.config.artifact.install.refs).toEqual(['falco-rules:5.1.0', 'falco-incubating-rules:6.0.1', 'falco-sandbox-rules:6.1.0']);
    const incubatingOnly = new Falco(new App(), 'falco', { ...props, incubatingRules: true });
    expect(incubatingOnly.toJson().find((o: any) => o.kind === 'HelmRelease').spec.values.falcoctl.config.artifact.install.refs).toEqual([
      'falco-rules:5.1.0',
      'falco-incubating-rules:6.0.1',
    ]);
  });

  it("watches falcosidekick's deliveries: its metrics endpoint and an alert on output errors", () => {
    expect(component.metrics.map((m) => `${m.name}:${m.port}`)).toEqual(['falco:8765', 'falcosidekick:2801']);
    const alerts = component.alertGroups.flatMap((g) => g.alerts);
    expect(alerts.map((a) => a.alert)).toEqual(['FalcoCriticalEvent', 'FalcoWarningEvent', 'FalcoEventDeliveryFailing']);
    expect(alerts[2]!.expr).toContain('falcosecurity_falcosidekick_outputs_total{status="error"}');
    // its detections at warning and above, from its own metrics endpoint
    for (const a of alerts.slice(0, 2)) expect(a.metrics).toEqual({ falcosecurity_falco_rules_matches_total: 'falco' });
  });

  it("forwards events at or above the configured priority to the service cluster's log store and Alertmanager", () => {
    expect(values.falcosidekick.config).toMatchObject({
      alertmanager: { hostport: 'https://alertmanager.sc.example.com', minimumpriority: 'warning' },
      elasticsearch: { hostport: 'https://opensearch.sc.example.com', index: 'falco', minimumpriority: 'warning' },
      existingSecret: 'falcosidekick-credentials',
    });
    expect(component.requiredSecrets).toEqual([
      expect.objectContaining({
        namespace: 'falco',
        name: 'falcosidekick-credentials',
        keys: ['ELASTICSEARCH_USERNAME', 'ELASTICSEARCH_PASSWORD', 'ALERTMANAGER_CUSTOMHEADERS'],
      }),
    ]);
  });

  it('is the documented exception to the restricted profile', () => {
    const ns = objects.find((o: any) => o.kind === 'Namespace');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations['platform.ck8s.io/pod-security-exception']).toBe(FALCO_POD_SECURITY_EXCEPTION);
  });

  it('lets falcosidekick out only to the service cluster on 443', () => {
    const out = objects.find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-falcosidekick-to-service-cluster');
    expect(out.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '192.0.2.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  it('needs the addresses of the service cluster', () => {
    const app = new App();
    new Falco(app, 'falco', props);
    expect(() => connect(app, { network: { serviceClusterCidrs: [] } })).toThrow(
      /network\.serviceClusterCidrs: is required: falco sends to the service cluster's ingress/,
    );
  });
});
