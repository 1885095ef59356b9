import { ChartCatalog, ConfigError, POD_SECURITY_EXCEPTION_ANNOTATION } from '@ck8s/core';
import { App } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, testApp } from '../../../test-support/connect.js';
import { Kubeconform, problems } from '../../../test-support/kubeconform.js';
import { find, flows, type K8sObject } from '../../../test-support/manifests.js';
import {
  ATTACK_TECHNIQUE_CONTROLS,
  COMPLIANCE_SPECS,
  MITRE_ATTACK_SPEC,
  MitreAttackCompliance,
  NODE_COLLECTOR_POD_SECURITY_EXCEPTION,
  PostureScanner,
  type PostureScannerProps,
} from '../src/index.js';

/** The version is deliberately not the pinned one: the component must take it from the catalog. */
const catalog = new ChartCatalog([
  { name: 'trivy-operator', repository: 'oci://ghcr.io/aquasecurity/helm-charts', chart: 'trivy-operator', version: '9.9.9' },
]);

function render(extra: Partial<PostureScannerProps> = {}, network = {}) {
  const app = testApp();
  const component = new PostureScanner(app, 'trivy-operator', { catalog, ...extra });
  connect(app, { network });
  const objects: K8sObject[] = component.toJson();
  const release = find(objects, 'HelmRelease', 'trivy-operator');
  return { component, objects, release, values: release.spec.values };
}

describe('PostureScanner', () => {
  const out = render();

  it('runs in every cluster, from the catalog chart (an OCI artifact)', () => {
    expect(out.component.outputFile).toBe('controllers/trivy-operator.yaml');
    expect(find(out.objects, 'OCIRepository', 'trivy-operator').spec).toMatchObject({
      url: 'oci://ghcr.io/aquasecurity/helm-charts/trivy-operator',
      ref: { tag: '9.9.9' },
    });
    expect(out.release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'trivy-operator' });
    // cluster-scoped: the namespace, and the binding of the account Flux installs the chart as
    expect(
      out.objects.every((o) =>
        o.kind === 'Namespace'
          ? o.metadata.name === 'trivy-system'
          : o.kind === 'ClusterRoleBinding'
            ? o.subjects.every((s: { namespace?: string }) => s.namespace === 'trivy-system')
            : o.metadata.namespace === 'trivy-system',
      ),
    ).toBe(true);
  });

  it('scans images, configuration, RBAC and secrets, and reports CIS, NSA and Pod Security Standards compliance', () => {
    expect(out.values.operator).toMatchObject({
      vulnerabilityScannerEnabled: true,
      configAuditScannerEnabled: true,
      rbacAssessmentScannerEnabled: true,
      exposedSecretScannerEnabled: true,
      clusterComplianceEnabled: true,
    });
    expect(out.values.compliance.specs).toEqual(COMPLIANCE_SPECS);
    expect(COMPLIANCE_SPECS).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^k8s-cis-/),
        expect.stringMatching(/^k8s-nsa-/),
        expect.stringMatching(/^k8s-pss-baseline-/),
        expect.stringMatching(/^k8s-pss-restricted-/),
      ]),
    );
  });

  it("exposes its findings as metrics for the cluster's Prometheus, without the chart's ServiceMonitor", () => {
    expect(out.values.serviceMonitor).toEqual({ enabled: false });
    expect(out.values.operator).toMatchObject({ metricsFindingsEnabled: true, metricsClusterComplianceInfo: true });
    expect(out.component.metrics).toEqual([
      {
        name: 'trivy-operator',
        pods: expect.objectContaining({ namespace: 'trivy-system', labels: { 'app.kubernetes.io/name': 'trivy-operator' } }),
        port: 8080,
      },
    ]);
  });

  it('keeps the namespace, the operator and its scan Jobs restricted', () => {
    const ns = find(out.objects, 'Namespace', 'trivy-system');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.33',
    });
    expect(out.values.operator.infraAssessmentScannerEnabled).toBe(false);
    const restricted = {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    expect(out.values.securityContext).toMatchObject(restricted);
    expect(out.values.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(out.values.trivyOperator.scanJobPodTemplateContainerSecurityContext).toMatchObject(restricted);
    expect(out.values.trivyOperator.scanJobPodTemplatePodSecurityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65534,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(out.values.trivyOperator.scanJobAutomountServiceAccountToken).toBe(false);
  });

  it('runs the node-collector only when asked, with the reason written on the namespace', () => {
    const nodes = render({ nodeCollector: true });
    expect(nodes.values.operator.infraAssessmentScannerEnabled).toBe(true);
    const ns = find(nodes.objects, 'Namespace', 'trivy-system');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(ns.metadata.annotations[POD_SECURITY_EXCEPTION_ANNOTATION]).toBe(NODE_COLLECTOR_POD_SECURITY_EXCEPTION);
  });

  it("declares the node-collector's registry as an exception from the platform's admission rules only when it runs", () => {
    expect(out.component.admissionExceptions).toEqual([]);
    expect(render({ nodeCollector: true }).component.admissionExceptions).toEqual([
      expect.objectContaining({
        name: 'trivy-operator-node-collector-registry',
        namespace: 'trivy-system',
        rule: 'platform-registries',
        object: 'Job/node-collector',
      }),
    ]);
  });

  it('allows only the flows the scanner needs', () => {
    expect(flows(out.objects)).toEqual([
      'allow-dns-egress: * -> kube-system[k8s-app=kube-dns] :53/UDP,53',
      'allow-metrics-from-prometheus: name=trivy-operator <- monitoring[name=prometheus] :8080',
      'allow-trivy-operator-to-api-server: name=trivy-operator -> 10.0.0.1/32 :6443',
      'allow-vulnerability-db-and-registries: * -> 0.0.0.0/0 ::/0 :443',
      'default-deny: * deny ingress+egress',
    ]);
  });

  it('needs the address of the API server', () => {
    expect(() => render({}, { apiServer: undefined })).toThrow(ConfigError);
    expect(() => render({}, { apiServer: undefined })).toThrow(
      /clusters\/test\/cluster.yaml: network.apiServer: is required: trivy-operator must reach the Kubernetes API server/,
    );
  });
});

describe('kubeconform -strict on the posture scanner', () => {
  const kubeconform = new Kubeconform();
  afterAll(() => kubeconform.dispose());

  it('accepts every object: Namespace, NetworkPolicies, OCIRepository and HelmRelease, in both namespace modes', async () => {
    const files = { 'trivy-operator': render().objects, 'trivy-operator-nodes': render({ nodeCollector: true }).objects };
    const result = await kubeconform.run(files);
    expect(problems(result)).toEqual([]);
    const total = Object.values(files).reduce((n, objects) => n + objects.length, 0);
    expect(result.summary).toEqual({ valid: total, invalid: 0, errors: 0, skipped: 0 });
    const kinds = new Set(result.resources.map((r) => `${r.version}/${r.kind}`));
    for (const kind of [
      'v1/Namespace',
      'networking.k8s.io/v1/NetworkPolicy',
      'source.toolkit.fluxcd.io/v1/OCIRepository',
      'helm.toolkit.fluxcd.io/v2/HelmRelease',
    ])
      expect(kinds).toContain(kind);
  });
});

describe('MitreAttackCompliance', () => {
  const objects: K8sObject[] = new MitreAttackCompliance(new App(), 'mitre-attack-compliance').toJson();
  const report = find(objects, 'ClusterComplianceReport', MITRE_ATTACK_SPEC);
  const kubeconform = new Kubeconform();
  afterAll(() => kubeconform.dispose());

  it('scores ATT&CK techniques with Trivy checks, on the schedule of the other compliance reports', () => {
    expect(report.spec.cron).toBe(render().values.compliance.cron);
    const controls = report.spec.compliance.controls as { id: string; checks: { id: string }[] }[];
    expect(controls.map((c) => c.id)).toEqual(ATTACK_TECHNIQUE_CONTROLS.map((c) => c.id));
    expect(controls.map((c) => c.id)).toContain('T1611');
    for (const c of controls) {
      expect(c.id).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(c.checks.length).toBeGreaterThan(0);
      for (const check of c.checks) expect(check.id).toMatch(/^AVD-KSV-\d{4}$/);
    }
  });

  it('is a valid ClusterComplianceReport', async () => {
    const result = await kubeconform.run({ 'mitre-attack-compliance': objects });
    expect(problems(result)).toEqual([]);
    expect(result.summary).toEqual({ valid: 1, invalid: 0, errors: 0, skipped: 0 });
  });
});
