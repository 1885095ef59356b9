import { FLUX_API, FLUX_RESOURCE_INFO } from '@ck8s/core';

// FLUX_RESOURCE_INFO lives in @ck8s/core: Flux's component (gitops) alerts on it, this package makes it.
export { FLUX_RESOURCE_INFO };

/** The Flux kinds the platform generates, whose readiness is watched. */
const FLUX_KINDS: readonly { readonly apiVersion: string; readonly kind: string; readonly resource: string; readonly revision: readonly string[] }[] =
  [
    { apiVersion: FLUX_API.source, kind: 'GitRepository', resource: 'gitrepositories', revision: ['status', 'artifact', 'revision'] },
    { apiVersion: FLUX_API.source, kind: 'HelmRepository', resource: 'helmrepositories', revision: ['status', 'artifact', 'revision'] },
    { apiVersion: FLUX_API.source, kind: 'OCIRepository', resource: 'ocirepositories', revision: ['status', 'artifact', 'revision'] },
    { apiVersion: FLUX_API.kustomize, kind: 'Kustomization', resource: 'kustomizations', revision: ['status', 'lastAppliedRevision'] },
    { apiVersion: FLUX_API.helm, kind: 'HelmRelease', resource: 'helmreleases', revision: ['status', 'lastAttemptedRevision'] },
  ];

/**
 * kube-state-metrics' custom resource state configuration for {@link FLUX_RESOURCE_INFO}, after
 * Flux's monitoring example (github.com/fluxcd/flux2-monitoring-example).
 */
export function fluxResourceStateConfig(): Record<string, unknown> {
  return {
    spec: {
      resources: FLUX_KINDS.map(({ apiVersion, kind, revision }) => {
        const [group, version] = apiVersion.split('/');
        return {
          groupVersionKind: { group, version, kind },
          metricNamePrefix: 'gotk',
          metrics: [
            {
              name: 'resource_info',
              help: `The current state of a Flux ${kind}.`,
              each: { type: 'Info', info: { labelsFromPath: { name: ['metadata', 'name'] } } },
              labelsFromPath: {
                exported_namespace: ['metadata', 'namespace'],
                ready: ['status', 'conditions', '[type=Ready]', 'status'],
                suspended: ['spec', 'suspend'],
                revision: [...revision],
              },
            },
          ],
        };
      }),
    },
  };
}

/** What kube-state-metrics may read for {@link fluxResourceStateConfig}: list and watch, nothing else. */
export function fluxResourceStateRules(): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const groups = [...new Set(FLUX_KINDS.map((k) => k.apiVersion.split('/')[0]!))];
  return groups.map((group) => ({
    apiGroups: [group],
    resources: FLUX_KINDS.filter((k) => k.apiVersion.startsWith(`${group}/`)).map((k) => k.resource),
    verbs: ['list', 'watch'],
  }));
}
