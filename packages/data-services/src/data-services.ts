import { type ChartCatalog, type DataServiceConfig, type DataServiceKind, type TenantConfig } from '@ck8s/core';
import type { Construct } from 'constructs';
import type { DataServiceBackup, DataServiceDefinition } from './data-service-definition.js';
import { MARIADB } from './mariadb.js';
import { NATS } from './nats.js';
import { POSTGRESQL } from './postgresql.js';
import { RABBITMQ } from './rabbitmq.js';

/** Every kind cluster.yaml can declare, by kind: the type makes a kind added to the schema without its definition a compile error. */
export const DATA_SERVICE_DEFINITIONS: Record<DataServiceKind, DataServiceDefinition> = {
  postgresql: POSTGRESQL,
  mariadb: MARIADB,
  nats: NATS,
  rabbitmq: RABBITMQ,
};

export interface DataServicesProps {
  readonly catalog: ChartCatalog;
  /** The cluster's tenants, with their services. */
  readonly tenants: readonly TenantConfig[];
  /** cluster.yaml of the cluster, for errors. */
  readonly file: string;
  /** Backups of the instances. @default none */
  readonly backup?: DataServiceBackup;
}

/**
 * The data services of a cluster's tenants: each kind's operator once, when some tenant declares
 * it, then every instance in its tenant's namespace, in the order of cluster.yaml.
 */
export function addDataServices(scope: Construct, props: DataServicesProps): void {
  const kinds = [...new Set(props.tenants.flatMap((t) => t.services.map((s) => s.kind)))].sort();
  for (const kind of kinds) {
    const tenantNamespaces = props.tenants
      .filter((t) => t.services.some((s) => s.kind === kind))
      .map((t) => t.name)
      .sort();
    DATA_SERVICE_DEFINITIONS[kind].addOperator?.(scope, {
      catalog: props.catalog,
      tenantNamespaces,
      ...(props.backup ? { backup: props.backup } : {}),
    });
  }
  for (const tenant of props.tenants)
    for (const service of tenant.services)
      DATA_SERVICE_DEFINITIONS[service.kind].addInstance(scope, {
        catalog: props.catalog,
        tenant: tenant.name,
        service,
        ...(props.backup ? { backup: props.backup } : {}),
      });
}

/**
 * The exact images the operators start in a tenant's namespace for its data services, sorted: the
 * tenant's namespace admits them besides its allowed registries. A kind this release does not run
 * adds none (composing it fails).
 */
export function dataServiceImages(services: readonly DataServiceConfig[]): string[] {
  return [...new Set(services.flatMap((s) => DATA_SERVICE_DEFINITIONS[s.kind].instanceImages(s)))].sort();
}
