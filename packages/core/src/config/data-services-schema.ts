import { z } from './zod.js';
import { DNS_LABEL } from '../naming.js';

// The data services a tenant declares in cluster.yaml (`tenants[].services`), one schema per kind,
// discriminated by `kind`. Each kind's operator and instances are built by @ck8s/data-services.

/** The kinds of data service a tenant can declare. */
export const DATA_SERVICE_KINDS = ['postgresql', 'mariadb', 'rabbitmq', 'nats'] as const;
export type DataServiceKind = (typeof DATA_SERVICE_KINDS)[number];

/**
 * PostgreSQL major versions the platform offers: those CloudNativePG 1.30 runs that the PostgreSQL
 * project still supports (14 reached its end of life in November 2026). Each has a pinned image in
 * @ck8s/data-services.
 */
export const POSTGRESQL_VERSIONS = ['15', '16', '17', '18'] as const;
export const DEFAULT_POSTGRESQL_VERSION = '17';

/** MariaDB long-term releases mariadb-operator runs as Galera clusters. */
export const MARIADB_VERSIONS = ['10.11', '11.4', '11.8'] as const;
export const DEFAULT_MARIADB_VERSION = '11.8';

/**
 * At most 63 characters for `<tenant>-<name>` too: an instance's objects (Services, the component
 * file) are named after it, and the tenant's name plus the instance's must stay a DNS label.
 */
export const DATA_SERVICE_NAME_MAX = 40;

const NAME_RULE = `is not a DNS-1123 label of at most ${DATA_SERVICE_NAME_MAX} characters (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit)`;

const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const STORAGE = /^[1-9][0-9]*(Mi|Gi|Ti)$/;
const storage = (fallback: string) =>
  z.string().regex(STORAGE, { error: 'is not a volume size (a whole number of Mi, Gi or Ti, e.g. 10Gi)' }).default(fallback);

const name = z
  .string()
  .max(DATA_SERVICE_NAME_MAX, { error: NAME_RULE })
  .regex(DNS_LABEL, { error: NAME_RULE })
  .regex(/^[a-z]/, { error: NAME_RULE })
  .describe("Instance name, unique in the tenant: its Services are <name>-... in the tenant's namespace.");

const resources = (cpu: string, memory: string) =>
  z
    .strictObject({
      cpu: z
        .string()
        .regex(QUANTITY, { error: 'is not a Kubernetes quantity (e.g. 500m, 2)' })
        .default(cpu)
        .describe('CPU request of each instance (no CPU limit: the platform requires none).'),
      memory: z
        .string()
        .regex(QUANTITY, { error: 'is not a Kubernetes quantity (e.g. 512Mi, 2Gi)' })
        .default(memory)
        .describe('Memory request and limit of each instance.'),
    })
    .prefault({})
    .describe("Resources of each instance's main container; counted in the tenant's quota with the helpers the operator adds.");

const storageClass = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { error: 'is not a StorageClass name (a DNS subdomain)' })
  .optional()
  .describe("StorageClass of the instance's volumes. Default: the cluster's default StorageClass.");

const odd = (max: number, what: string) =>
  z
    .int({ error: 'is not a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(max, { error: `must be at most ${max}` })
    .refine((n) => n % 2 === 1, { error: `must be odd (1, 3, 5, ...): ${what}` });

export const postgresqlService = z
  .strictObject({
    kind: z.literal('postgresql').describe('PostgreSQL, run by CloudNativePG: a primary and streaming replicas with automated failover.'),
    name,
    version: z
      .enum(POSTGRESQL_VERSIONS, { error: 'is not a supported PostgreSQL major version' })
      .default(DEFAULT_POSTGRESQL_VERSION)
      .describe(`PostgreSQL major version (${POSTGRESQL_VERSIONS.join(', ')}); the minor is pinned by the platform.`),
    instances: z
      .int({ error: 'is not a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(9, { error: 'must be at most 9' })
      .default(2)
      .describe('PostgreSQL instances: one primary, the rest streaming replicas that take over when it fails.'),
    storage: storage('10Gi').describe('Volume size of each instance (data and write-ahead log).'),
    storageClass,
    resources: resources('500m', '1Gi'),
    database: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'is not a PostgreSQL identifier (lowercase letters, digits and _, at most 63)' })
      .default('app')
      .describe('Database created for the application, owned by the user of the same name.'),
  })
  .describe('A PostgreSQL cluster in the tenant namespace, backed up daily to the backup object storage.');

export const mariadbService = z
  .strictObject({
    kind: z.literal('mariadb').describe('MariaDB, run by mariadb-operator as a Galera cluster (synchronous multi-primary).'),
    name,
    version: z
      .enum(MARIADB_VERSIONS, { error: 'is not a supported MariaDB version' })
      .default(DEFAULT_MARIADB_VERSION)
      .describe(`MariaDB release (${MARIADB_VERSIONS.join(', ')}); the patch is pinned by the platform.`),
    instances: z
      .int({ error: 'is not a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(9, { error: 'must be at most 9' })
      .refine((n) => n === 1 || n >= 3, { error: 'must be 1 (no Galera) or at least 3 (a Galera cluster needs a quorum)' })
      .default(3)
      .describe('MariaDB instances: 1 for a single server, 3 or more for a Galera cluster.'),
    storage: storage('10Gi').describe('Volume size of each instance.'),
    storageClass,
    resources: resources('500m', '1Gi'),
    database: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,63}$/, { error: 'is not a MariaDB identifier (lowercase letters, digits and _, at most 64)' })
      .default('app')
      .describe('Database created for the application, with a user of the same name.'),
  })
  .describe('A MariaDB (Galera) cluster in the tenant namespace, backed up daily to the backup object storage.');

export const rabbitmqService = z
  .strictObject({
    kind: z.literal('rabbitmq').describe('RabbitMQ, run by the RabbitMQ Cluster Operator (AMQP 0-9-1 and 1.0).'),
    name,
    replicas: odd(7, 'quorum queues need a majority').default(1).describe('RabbitMQ nodes (odd: 1, 3, 5 or 7).'),
    storage: storage('10Gi').describe('Volume size of each node.'),
    storageClass,
    resources: resources('500m', '1Gi'),
  })
  .describe('A RabbitMQ cluster in the tenant namespace; its definitions are exported daily to the backup object storage.');

export const natsService = z
  .strictObject({
    kind: z.literal('nats').describe('NATS with JetStream, from the NATS project.'),
    name,
    replicas: odd(7, 'JetStream needs a majority').default(3).describe('NATS servers (odd: 1, 3, 5 or 7).'),
    jetstream: z
      .strictObject({
        storage: storage('10Gi').describe('JetStream file storage of each server.'),
      })
      .optional()
      .describe('JetStream persistence. Default: none (core NATS only).'),
    resources: resources('250m', '512Mi'),
  })
  .describe('A NATS cluster in the tenant namespace.');

export const dataService = z
  .discriminatedUnion('kind', [postgresqlService, mariadbService, rabbitmqService, natsService], {
    error: (issue) =>
      // the issue's input is the whole entry: say "required" when it has no kind at all
      issue.input === undefined || (typeof issue.input === 'object' && issue.input !== null && !('kind' in issue.input))
        ? `is required; allowed: ${DATA_SERVICE_KINDS.join(', ')}`
        : `is not a data service kind; allowed: ${DATA_SERVICE_KINDS.join(', ')}`,
  })
  .describe('A data service of the tenant, by kind.');

/** A data service as written in cluster.yaml. */
export type DataServiceInput = z.input<typeof dataService>;
/** A data service with its defaults applied. */
export type DataServiceConfig = z.output<typeof dataService>;
export type PostgresqlServiceConfig = z.output<typeof postgresqlService>;
export type MariadbServiceConfig = z.output<typeof mariadbService>;
export type RabbitmqServiceConfig = z.output<typeof rabbitmqService>;
export type NatsServiceConfig = z.output<typeof natsService>;
