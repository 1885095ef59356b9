import { type ChartCatalog, ConfigError, type ConfigProblem, type DataServiceConfig, type DataServiceKind, type TenantConfig } from '@ck8s/core';
import type { Construct } from 'constructs';
import type { DataServiceBackup, DataServiceDefinition } from './data-service-definition.js';
import { MARIADB } from './mariadb.js';
import { NATS } from './nats.js';
import { POSTGRESQL } from './postgresql.js';

/** The kinds this release runs, by kind; a kind declared in cluster.yaml but missing here is refused naming the field. */
export const DATA_SERVICE_DEFINITIONS: Partial<Record<DataServiceKind, DataServiceDefinition>> = {
  postgresql: POSTGRESQL,
  mariadb: MARIADB,
  nats: NATS,
};

function definitionOf(kind: DataServiceKind): DataServiceDefinition | undefined {
  return DATA_SERVICE_DEFINITIONS[kind];
}

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
 * @throws ConfigError naming each service whose kind this release does not run
 */
export function addDataServices(scope: Construct, props: DataServicesProps): void {
  const problems: ConfigProblem[] = [];
  props.tenants.forEach((tenant, i) =>
    tenant.services.forEach((service, j) => {
      if (!definitionOf(service.kind))
        problems.push({
          file: props.file,
          path: `tenants[${i}].services[${j}].kind`,
          message: `"${service.kind}" is not available in this release yet; available: ${Object.keys(DATA_SERVICE_DEFINITIONS).sort().join(', ')}`,
        });
    }),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  const kinds = [...new Set(props.tenants.flatMap((t) => t.services.map((s) => s.kind)))].sort();
  for (const kind of kinds) {
    const tenantNamespaces = props.tenants
      .filter((t) => t.services.some((s) => s.kind === kind))
      .map((t) => t.name)
      .sort();
    definitionOf(kind)!.addOperator?.(scope, { catalog: props.catalog, tenantNamespaces, ...(props.backup ? { backup: props.backup } : {}) });
  }
  for (const tenant of props.tenants)
    for (const service of tenant.services)
      definitionOf(service.kind)!.addInstance(scope, {
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
  return [...new Set(services.flatMap((s) => definitionOf(s.kind)?.instanceImages(s) ?? []))].sort();
}
