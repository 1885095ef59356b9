import type { ControlReport, FleetReportModel } from '../src/index.js';

/** Text that must only ever appear escaped in the page. */
export const HOSTILE = '<script>alert("owned")</script>';
export const EXCEPTION_REASON = 'vendor chart pins a :latest sidecar until its 2.x upgrade (ticket PLAT-123)';

function control(id: string, title: string, extra: Partial<ControlReport> = {}): ControlReport {
  return {
    id,
    title,
    status: 'pass',
    cis: ['5.3.2'],
    nsa: ['Network separation and hardening'],
    kubescape: ['C-0260'],
    findings: [],
    evidence: [
      `clusters/demo-wc/tenants/team-a.yaml: NetworkPolicy team-a/default-deny`,
      `clusters/demo-wc/tenants/team-b.yaml: NetworkPolicy team-b/default-deny`,
    ],
    exceptions: [],
    ...extra,
  };
}

/** A small fleet with one of everything the page shows: a failed control, a problem, exceptions, history. */
export function sampleModel(): FleetReportModel {
  return {
    revision: { sha: '0123456789abcdef0123456789abcdef01234567', date: '2026-11-22T10:11:14+00:00' },
    clusters: [
      {
        name: 'demo-wc',
        profile: 'workload',
        environment: 'demo',
        customer: 'Example <Health> & Co',
        kubernetesVersion: '1.33',
        domain: 'demo-wc.example.com',
        serviceCluster: 'demo-sc',
        components: [
          {
            layer: 'flux-system',
            name: 'gotk-sync',
            file: 'clusters/demo-wc/flux-system/gotk-sync.yaml',
            kinds: [
              { kind: 'GitRepository', count: 1 },
              { kind: 'Kustomization', count: 1 },
            ],
            charts: [],
          },
          {
            layer: 'controllers',
            name: 'falco',
            file: 'clusters/demo-wc/controllers/falco.yaml',
            kinds: [
              { kind: 'HelmRelease', count: 1 },
              { kind: 'HelmRepository', count: 1 },
              { kind: 'Namespace', count: 1 },
            ],
            charts: [
              {
                release: 'falco/falco',
                chart: 'falco',
                version: '4.21.2',
                repository: 'https://falcosecurity.github.io/charts',
                description: 'runtime intrusion detection',
              },
            ],
          },
          {
            layer: 'controllers',
            name: 'cert-manager',
            file: 'clusters/demo-wc/controllers/cert-manager.yaml',
            kinds: [
              { kind: 'HelmRelease', count: 1 },
              { kind: 'OCIRepository', count: 1 },
            ],
            charts: [
              {
                release: 'cert-manager/cert-manager',
                chart: 'cert-manager',
                version: 'v1.17.1',
                repository: 'oci://quay.io/jetstack/charts',
                catalogVersion: 'v1.17.2',
              },
            ],
          },
          {
            layer: 'tenants',
            name: 'team-a',
            file: 'clusters/demo-wc/tenants/team-a.yaml',
            kinds: [
              { kind: 'Namespace', count: 1 },
              { kind: 'NetworkPolicy', count: 3 },
            ],
            charts: [],
          },
        ],
        controls: [
          control('CK8S-NET-001', 'every namespace denies all ingress and egress traffic by default'),
          control('CK8S-ADM-002', 'platform admission rules', { exceptions: [`ck8s-image-tag: team-b: ${EXCEPTION_REASON}`] }),
          control('CK8S-RBAC-001', 'cluster-admin is bound only to the platform operators', {
            status: 'fail',
            findings: ['clusters/demo-wc/platform/cluster-access.yaml: ClusterRoleBinding oops binds cluster-admin to group developers'],
          }),
        ],
        exceptions: [
          {
            namespace: 'falco',
            rule: 'pod-security: privileged',
            reason: 'Falco modern eBPF probe needs host PID',
            source: 'clusters/demo-wc/controllers/falco.yaml',
          },
          { namespace: 'team-b', rule: 'image-tag', reason: EXCEPTION_REASON, source: 'clusters/demo-wc/cluster.yaml' },
          { namespace: 'team-c', rule: 'registry', reason: `reason with markup ${HOSTILE}`, source: 'clusters/demo-wc/cluster.yaml' },
        ],
        secrets: [
          {
            namespace: 'velero',
            name: 'velero-credentials',
            file: 'clusters/demo-wc/controllers/secrets/velero.velero-credentials.sops.yaml',
            encrypted: true,
          },
        ],
      },
      {
        name: 'demo-sc',
        profile: 'service',
        environment: 'demo',
        kubernetesVersion: '1.33',
        domain: 'demo-sc.example.com',
        components: [],
        controls: [control('CK8S-NET-001', 'every namespace denies all ingress and egress traffic by default')],
        exceptions: [],
        secrets: [],
      },
    ],
    problems: [
      {
        check: 'control',
        file: 'clusters/demo-wc',
        object: 'CK8S-RBAC-001',
        message: 'ClusterRoleBinding oops binds cluster-admin to group developers',
      },
    ],
    changes: {
      paths: ['clusters/'],
      limit: 20,
      commits: [
        {
          sha: '0123456789abcdef0123456789abcdef01234567',
          author: 'Ada Lovelace',
          date: '2026-11-22T10:11:14+00:00',
          subject: 'demo-wc: team-b image-tag exception <until 2.x>',
        },
        {
          sha: 'fedcba9876543210fedcba9876543210fedcba98',
          author: 'Grace Hopper',
          date: '2026-11-21T09:00:00+01:00',
          subject: 'demo-sc: registry storage',
        },
      ],
    },
  };
}
