import { ARGOCD_API } from '@ck8s/core';

/**
 * The metric kube-state-metrics derives from Argo CD Applications: one series per Application,
 * value 1, labelled `name`, `exported_namespace` and `revision` (`status.sync.revision`, the commit
 * or chart version it last compared and synced). Argo CD's own `argocd_app_info` carries sync and
 * health but no revision, so this is what the GitOps dashboard reads for "which revision, since when".
 */
export const ARGOCD_APPLICATION_REVISION = 'argocd_application_revision_info';

const [GROUP, VERSION] = ARGOCD_API.split('/') as [string, string];

/** kube-state-metrics' custom resource state entry for {@link ARGOCD_APPLICATION_REVISION} (a cluster without the CRD has no series). */
export function argocdApplicationStateResource(): Record<string, unknown> {
  return {
    groupVersionKind: { group: GROUP, version: VERSION, kind: 'Application' },
    metricNamePrefix: 'argocd_application',
    metrics: [
      {
        name: 'revision_info',
        help: 'The revision an Argo CD Application last synced.',
        each: { type: 'Info', info: { labelsFromPath: { name: ['metadata', 'name'] } } },
        labelsFromPath: { exported_namespace: ['metadata', 'namespace'], revision: ['status', 'sync', 'revision'] },
      },
    ],
  };
}

/** What kube-state-metrics may read for {@link argocdApplicationStateResource}: list and watch Applications, nothing else. */
export function argocdApplicationStateRule(): { apiGroups: string[]; resources: string[]; verbs: string[] } {
  return { apiGroups: [GROUP], resources: ['applications'], verbs: ['list', 'watch'] };
}
