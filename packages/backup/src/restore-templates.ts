import { PLATFORM_NAMESPACES } from '@ck8s/core';

/** The Velero `Restore` objects of the README's restore steps, by what they bring back. */
export interface RestoreTemplates {
  /** The Kubernetes objects of every namespace and the cluster-scoped state, with the data of their volumes. */
  readonly cluster: Record<string, unknown>;
  /** The persistent volumes of one namespace (claims, volumes and the pods that mount them, so the node agent fills them). */
  readonly volumes: Record<string, unknown>;
  /** Prometheus's TSDB, Alertmanager's silences and Grafana's state: the volumes of the monitoring namespace. */
  readonly monitoring: Record<string, unknown>;
}

/** The resources a volume restore brings back: the data lands in the claims of the pods restored with them. */
export const VOLUME_RESTORE_RESOURCES: readonly string[] = ['persistentvolumeclaims', 'persistentvolumes', 'pods'];

/** The namespace of the platform's metrics stack (the observability package's; listed here as the README's restore step names it). */
export const MONITORING_NAMESPACE = 'monitoring';

/**
 * The Restores an operator creates (`kubectl create -f`) after picking a backup of the daily
 * schedule: never generated into a cluster folder, as Flux would start a restore on every apply.
 * Existing objects are left as they are (`existingResourcePolicy: none`): Flux owns what is in git.
 */
export function restoreTemplates(props: { readonly backup: string; readonly namespace: string }): RestoreTemplates {
  const restore = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'velero.io/v1',
    kind: 'Restore',
    metadata: { name: `${name}-${props.backup}`, namespace: PLATFORM_NAMESPACES.backup },
    spec: { backupName: props.backup, existingResourcePolicy: 'none', restorePVs: true, ...spec },
  });
  return {
    cluster: restore('cluster', {
      includedNamespaces: ['*'],
      // Flux is bootstrapped from git; Velero restores into its own namespace only what it needs
      excludedNamespaces: ['flux-system', PLATFORM_NAMESPACES.backup],
      includeClusterResources: true,
    }),
    volumes: restore(`volumes-${props.namespace}`, { includedNamespaces: [props.namespace], includedResources: [...VOLUME_RESTORE_RESOURCES] }),
    monitoring: restore('monitoring', { includedNamespaces: [MONITORING_NAMESPACE], includedResources: [...VOLUME_RESTORE_RESOURCES] }),
  };
}
