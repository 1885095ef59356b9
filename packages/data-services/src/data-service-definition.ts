import type { ChartCatalog, Component, DataServiceConfig } from '@ck8s/core';
import type { Construct } from 'constructs';

/** Where and when the instances of a cluster back up: the cluster's backup bucket on its daily schedule. */
export interface DataServiceBackup {
  /** The cluster's backup object storage (cluster.yaml `backup.objectStorage`). */
  readonly objectStorage: { readonly endpoint: string; readonly bucket: string; readonly region: string };
  /** Keeps this cluster's backups apart in a shared bucket (the cluster name). */
  readonly prefix: string;
  /** The platform's daily backup time: a `m h * * *` line and the IANA time zone it is read in. */
  readonly schedule: { readonly cron: string; readonly timeZone: string };
  /** Daily backups to keep (cluster.yaml `backup.keep`). */
  readonly keep: number;
}

/** What the operator of a kind needs from the cluster. */
export interface DataServiceOperatorProps {
  readonly catalog: ChartCatalog;
  /** The tenant namespaces with at least one instance of the kind, sorted. */
  readonly tenantNamespaces: readonly string[];
  /** Backups of the instances, when the cluster backs up. @default none */
  readonly backup?: DataServiceBackup;
}

/** What one instance needs: its tenant, its entry of cluster.yaml, and where it backs up. */
export interface DataServiceInstanceProps<S extends DataServiceConfig = DataServiceConfig> {
  /** The chart catalog, for a kind whose instances are chart releases (NATS). */
  readonly catalog: ChartCatalog;
  /** The tenant, whose namespace the instance runs in. */
  readonly tenant: string;
  /** The instance's entry of `tenants[].services`, with defaults applied. */
  readonly service: S;
  /** Backups of the instance, when the cluster backs up. @default none: the kind's backup objects are left out */
  readonly backup?: DataServiceBackup;
}

/**
 * What a kind of data service contributes to a cluster; one file per kind implements it and is
 * listed in DATA_SERVICE_DEFINITIONS. The operator is composed once when some tenant declares the
 * kind; each instance is its own component in the tenants layer (`tenants/<tenant>-<name>.yaml`),
 * in the tenant's namespace, declaring its own flows, metrics, alerts and Secrets.
 */
export interface DataServiceDefinition<S extends DataServiceConfig = DataServiceConfig> {
  readonly kind: S['kind'];
  /**
   * Adds the operator (controllers layer, its own hardened namespace).
   * @default none: a kind without an operator (NATS: each instance is a release of the project's chart)
   */
  addOperator?(scope: Construct, props: DataServiceOperatorProps): Component;
  /** Adds one instance (tenants layer), named instanceComponentName(tenant, service.name). */
  addInstance(scope: Construct, props: DataServiceInstanceProps<S>): Component;
  /**
   * The exact image references the operator starts in the tenant's namespace for an instance (the
   * database server, its init and sidecar containers). The tenant's namespace admits exactly these
   * besides its allowed registries (see Tenant's `images`), so the platform's pinned images run
   * there without opening the namespace to their registries.
   */
  instanceImages(service: S): readonly string[];
}

/** Component (and file) name of an instance: `<tenant>-<name>`, checked to be a DNS label by the config loader. */
export function instanceComponentName(tenant: string, name: string): string {
  return `${tenant}-${name}`;
}
