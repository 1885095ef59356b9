import { ENGINE_NAMESPACE, type GitOpsEngine, PLATFORM_NAMESPACES } from '@ck8s/core';

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

export interface RestoreTemplatesProps {
  /** The backup to restore from, e.g. `daily-20261127003000`. */
  readonly backup: string;
  /** The namespace whose volumes the volume restore brings back. */
  readonly namespace: string;
  /** The cluster's GitOps engine (cluster.yaml `gitops.engine`), whose namespace the cluster restore leaves out. @default 'flux' */
  readonly engine?: GitOpsEngine;
}

/**
 * The Restores an operator creates (`kubectl create -f`) after picking a backup of the daily
 * schedule: never generated into a cluster folder, as the engine would start a restore on every apply.
 * Existing objects are left as they are (`existingResourcePolicy: none`): the engine owns what is in git.
 */
export function restoreTemplates(props: RestoreTemplatesProps): RestoreTemplates {
  const restore = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'velero.io/v1',
    kind: 'Restore',
    metadata: { name: `${name}-${props.backup}`, namespace: PLATFORM_NAMESPACES.backup },
    spec: { backupName: props.backup, existingResourcePolicy: 'none', restorePVs: true, ...spec },
  });
  return {
    cluster: restore('cluster', {
      includedNamespaces: ['*'],
      // the engine (flux-system or argocd) is bootstrapped from git with the age key, as the
      // schedule leaves its namespace out; Velero restores into its own namespace only what it needs
      excludedNamespaces: [ENGINE_NAMESPACE[props.engine ?? 'flux'], PLATFORM_NAMESPACES.backup],
      includeClusterResources: true,
    }),
    volumes: restore(`volumes-${props.namespace}`, { includedNamespaces: [props.namespace], includedResources: [...VOLUME_RESTORE_RESOURCES] }),
    monitoring: restore('monitoring', { includedNamespaces: [MONITORING_NAMESPACE], includedResources: [...VOLUME_RESTORE_RESOURCES] }),
  };
}
