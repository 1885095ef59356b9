import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { type ConfigProblem, ConfigError } from './config-error.js';
import { DEX_CLIENT_SECRETS, HEARTBEAT_RECEIVER, NULL_RECEIVER } from '../naming.js';
import { type ClusterConfig, ClusterConfigSchema, RESERVED_NAMESPACES } from './cluster-config-schema.js';
import { formatPath, valueAt } from './paths.js';
import { clusterConfigCredentialProblems } from './url-credentials.js';
import { parseYamlFile, showValue } from './yaml-file.js';

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/**
 * Turns schema issues into problems that name the field path, the bad value and what is allowed.
 * @param schema the schema the issues came from, which lists the allowed fields. @default ClusterConfigSchema
 */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  file: string,
  schema: z.core.$ZodType = ClusterConfigSchema,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const value = valueAt(input, issue.path);
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // report the alternative the value was meant as (the one its type fits), not "invalid input"
      const branch =
        issue.errors.find((errors) => errors.every((e) => e.path.length > 0)) ??
        issue.errors.find((errors) => !errors.some((e) => e.path.length === 0 && e.code === 'invalid_type')) ??
        issue.errors[0]!;
      problems.push(
        ...issuesToProblems(
          branch.map((e) => ({ ...e, path: [...issue.path, ...e.path] })),
          input,
          file,
          schema,
        ),
      );
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(schema, issue.path);
      for (const key of issue.keys) {
        problems.push({
          file,
          path: formatPath([...issue.path, key]),
          message: allowed.length > 0 ? `unknown field; allowed fields here: ${allowed.join(', ')}` : 'unknown field; this block takes no fields yet',
        });
      }
      continue;
    }
    let message: string;
    if (issue.code === 'invalid_type') {
      message = value === undefined ? `is required (${issue.expected})` : `${showValue(value)} is ${typeName(value)}, expected ${issue.expected}`;
    } else if (issue.code === 'invalid_value') {
      message = `${showValue(value)} ${issue.message}; allowed: ${issue.values.map((v) => showValue(v)).join(', ')}`;
    } else {
      // a missing field the schema checks by hand (a union's discriminator) says so in its own message
      message = value === undefined ? issue.message : `${showValue(value)} ${issue.message}`;
    }
    problems.push({ file, path: formatPath(issue.path), message });
  }
  return dedupe(problems);
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Field names a strict object at `path` accepts, read from the schema so the list never goes stale. */
function allowedKeys(root: z.core.$ZodType, fieldPath: readonly PropertyKey[]): string[] {
  let schema = root;
  for (const part of fieldPath) {
    schema = unwrap(schema);
    const def = schema._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (def.type === 'object' && def.shape && typeof part === 'string' && def.shape[part]) schema = def.shape[part];
    else if (def.type === 'array' && def.element) schema = def.element;
    else if (def.type === 'record' && (def as { valueType?: z.core.$ZodType }).valueType)
      schema = (def as unknown as { valueType: z.core.$ZodType }).valueType;
    else if (def.type === 'union') schema = objectOption(schema) ?? schema;
    else return [];
  }
  const def = (objectOption(unwrap(schema)) ?? unwrap(schema))._zod.def as unknown as { shape?: Record<string, unknown> };
  return Object.keys(def.shape ?? {});
}

/** The object alternative of a union (e.g. the `{ action, reason }` form of an enforcement). */
function objectOption(schema: z.core.$ZodType): z.core.$ZodType | undefined {
  const def = schema._zod.def as unknown as { type: string; options?: z.core.$ZodType[] };
  if (def.type !== 'union') return undefined;
  return def.options?.map(unwrap).find((o) => (o._zod.def as unknown as { type: string }).type === 'object');
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as unknown as { type: string; innerType?: z.core.$ZodType };
    if (def.innerType && ['default', 'prefault', 'optional', 'nullable', 'readonly'].includes(def.type)) current = def.innerType;
    else return current;
  }
}

/** Checks that span several fields; run on the raw input so they report alongside schema problems. */
function crossFieldProblems(raw: unknown, file: string, folderName: string | undefined): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const name = valueAt(raw, ['name']);
  if (folderName !== undefined && typeof name === 'string' && name !== folderName) {
    problems.push({ file, path: 'name', message: `${showValue(name)} must equal the cluster folder name "${folderName}"` });
  }
  const profile = valueAt(raw, ['profile']);
  const serviceCluster = valueAt(raw, ['serviceCluster']);
  if (profile === 'workload' && serviceCluster === undefined) {
    problems.push({
      file,
      path: 'serviceCluster',
      message: 'is required for a workload cluster (the service cluster that receives its logs, metrics and alerts)',
    });
  }
  if (profile === 'service' && serviceCluster !== undefined) {
    problems.push({ file, path: 'serviceCluster', message: `${showValue(serviceCluster)} is only allowed for a workload cluster` });
  }
  const tenants = valueAt(raw, ['tenants']);
  if (Array.isArray(tenants)) {
    const seen = new Map<string, number>();
    tenants.forEach((tenant, i) => {
      const tenantName = valueAt(tenant, ['name']);
      if (typeof tenantName !== 'string') return;
      if (RESERVED_NAMESPACES.includes(tenantName)) {
        problems.push({
          file,
          path: `tenants[${i}].name`,
          message: `${showValue(tenantName)} is a reserved namespace; not allowed: ${RESERVED_NAMESPACES.join(', ')}`,
        });
      }
      const first = seen.get(tenantName);
      if (first !== undefined)
        problems.push({ file, path: `tenants[${i}].name`, message: `${showValue(tenantName)} is already used by tenants[${first}]` });
      else seen.set(tenantName, i);
      problems.push(...serviceNameProblems(tenant, tenantName, `tenants[${i}]`, file, valueAt(raw, ['gitops', 'engine'])));
    });
  }
  const certs = valueAt(raw, ['certificates']);
  const issuer = valueAt(certs, ['issuer']) ?? 'letsencrypt-production';
  if (
    valueAt(certs, ['enabled']) !== false &&
    typeof issuer === 'string' &&
    issuer.startsWith('letsencrypt') &&
    valueAt(certs, ['acmeEmail']) === undefined
  ) {
    problems.push({
      file,
      path: 'certificates.acmeEmail',
      message: `is required for issuer "${issuer}" (Let's Encrypt needs a contact address); or set certificates.issuer: private-ca`,
    });
  }
  if (valueAt(raw, ['externalDns', 'enabled']) === true && valueAt(raw, ['externalDns', 'provider']) === undefined) {
    problems.push({ file, path: 'externalDns.provider', message: 'is required when externalDns.enabled is true' });
  }
  if (valueAt(raw, ['backup', 'enabled']) !== false && valueAt(raw, ['backup', 'objectStorage']) === undefined) {
    problems.push({
      file,
      path: 'backup.objectStorage',
      message: 'is required when backups are enabled (endpoint, bucket, region); or set backup.enabled: false',
    });
  }
  const volumes = valueAt(raw, ['backup', 'volumes']);
  if (valueAt(volumes, ['method']) === 'csi-snapshot-data-movement') {
    for (const field of ['csiDriver', 'volumeSnapshotClass'])
      if (valueAt(volumes, [field]) === undefined)
        problems.push({
          file,
          path: `backup.volumes.${field}`,
          message:
            'is required for method csi-snapshot-data-movement (the CSI driver of the volumes and its VolumeSnapshotClass in the cluster); or use method file-system',
        });
  } else {
    for (const field of ['csiDriver', 'volumeSnapshotClass'])
      if (valueAt(volumes, [field]) !== undefined)
        problems.push({ file, path: `backup.volumes.${field}`, message: 'is only allowed with method csi-snapshot-data-movement' });
  }
  if (profile === 'service' && valueAt(raw, ['registry', 'enabled']) !== false && valueAt(raw, ['registry', 'storage']) === undefined) {
    problems.push({
      file,
      path: 'registry.storage',
      message: 'is required for the registry of a service cluster (endpoint, bucket, region); or set registry.enabled: false',
    });
  }
  const connectors = valueAt(raw, ['identity', 'connectors']);
  if (profile === 'service' && valueAt(raw, ['identity', 'enabled']) !== false && (!Array.isArray(connectors) || connectors.length === 0)) {
    problems.push({
      file,
      path: 'identity.connectors',
      message:
        'must list at least one upstream identity provider (oidc, saml or ldap): Dex has no local accounts and does not start without a connector; or set identity.enabled: false',
    });
  }
  problems.push(...duplicates(raw, ['identity', 'connectors'], 'id', file, 'connector ids must be unique'));
  if (Array.isArray(connectors)) {
    connectors.forEach((c, i) => {
      if (valueAt(c, ['secret']) === DEX_CLIENT_SECRETS) {
        problems.push({
          file,
          path: `identity.connectors[${i}].secret`,
          message: `"${DEX_CLIENT_SECRETS}" is the Secret of the platform's client secrets; choose another name`,
        });
      }
      const type = valueAt(c, ['type']);
      const needed: Record<string, string[]> = { oidc: ['issuer'], saml: ['ssoUrl'], ldap: ['host', 'userBaseDn'] };
      for (const field of needed[String(type)] ?? []) {
        if (valueAt(c, [field]) === undefined)
          problems.push({ file, path: `identity.connectors[${i}].${field}`, message: `is required for a connector of type ${String(type)}` });
      }
    });
  }
  const receivers = valueAt(raw, ['observability', 'receivers']);
  if (profile === 'service' && valueAt(raw, ['observability', 'enabled']) !== false && (!Array.isArray(receivers) || receivers.length === 0)) {
    problems.push({
      file,
      path: 'observability.receivers',
      message:
        'is empty; a service cluster needs at least one receiver (slack, email, pagerduty or webhook): Alertmanager sends every alert to the first one',
    });
  }
  problems.push(...duplicates(raw, ['observability', 'receivers'], 'name', file, 'receiver names must be unique'));
  if (Array.isArray(receivers)) {
    receivers.forEach((r, i) => {
      if (valueAt(r, ['name']) === NULL_RECEIVER) {
        problems.push({
          file,
          path: `observability.receivers[${i}].name`,
          message: `"${NULL_RECEIVER}" is reserved for the receiver that drops the InfoInhibitor helper alert; choose another name`,
        });
      }
      if (valueAt(r, ['name']) === HEARTBEAT_RECEIVER) {
        problems.push({
          file,
          path: `observability.receivers[${i}].name`,
          message: `"${HEARTBEAT_RECEIVER}" is reserved for the receiver of the Watchdog heartbeat (the dead man's switch); choose another name`,
        });
      }
      if (valueAt(r, ['type']) !== 'email') return;
      for (const field of ['to', 'from', 'smarthost']) {
        if (valueAt(r, [field]) === undefined)
          problems.push({
            file,
            path: `observability.receivers[${i}].${field}`,
            message: `is required for an email receiver (${showValue(valueAt(r, ['name']))})`,
          });
      }
    });
  }
  const robots = valueAt(raw, ['registry', 'robotAccounts']);
  if (Array.isArray(robots)) {
    const seenRobots = new Map<unknown, number>();
    robots.forEach((name, i) => {
      const first = seenRobots.get(name);
      if (first !== undefined)
        problems.push({
          file,
          path: `registry.robotAccounts[${i}]`,
          message: `${showValue(name)} is already registry.robotAccounts[${first}]; robot account names must be unique`,
        });
      else seenRobots.set(name, i);
    });
  }
  const enforcement = valueAt(raw, ['policy', 'enforcement']);
  if (enforcement !== null && typeof enforcement === 'object' && !Array.isArray(enforcement)) {
    for (const [rule, action] of Object.entries(enforcement)) {
      // the short form is for deny only: anything weaker is an exception and says why
      if (action === 'warn' || action === 'audit') {
        problems.push({
          file,
          path: `policy.enforcement.${rule}`,
          message: `"${action}" needs a reason; write ${rule}: { action: ${action}, reason: <why the rule does not deny> }`,
        });
      }
    }
  }
  const exceptions = valueAt(raw, ['policy', 'exceptions']);
  if (Array.isArray(exceptions)) {
    const tenantNames = Array.isArray(tenants) ? tenants.map((t) => valueAt(t, ['name'])).filter((n): n is string => typeof n === 'string') : [];
    const seenExceptions = new Map<string, number>();
    exceptions.forEach((exception, i) => {
      const namespace = valueAt(exception, ['namespace']);
      const rule = valueAt(exception, ['rule']);
      if (typeof namespace !== 'string' || typeof rule !== 'string') return;
      const key = `${namespace}\u0000${rule}`;
      const first = seenExceptions.get(key);
      if (first !== undefined)
        problems.push({ file, path: `policy.exceptions[${i}]`, message: `repeats policy.exceptions[${first}] (${namespace}, ${rule})` });
      else seenExceptions.set(key, i);
      if (!tenantNames.includes(namespace)) {
        problems.push({
          file,
          path: `policy.exceptions[${i}].namespace`,
          message: `${showValue(namespace)} is not a tenant of this cluster; tenants: ${tenantNames.join(', ') || 'none'}`,
        });
      }
    });
  }
  return problems;
}

/**
 * A tenant's data services: names unique in the tenant, and `<tenant>-<name>` (the instance's
 * component and the prefix of its objects) still a DNS label.
 */
function serviceNameProblems(tenant: unknown, tenantName: string, at: string, file: string, engine: unknown): ConfigProblem[] {
  const services = valueAt(tenant, ['services']);
  if (!Array.isArray(services)) return [];
  const problems = duplicates(tenant, ['services'], 'name', file, 'data service names must be unique in a tenant').map((p) => ({
    ...p,
    path: `${at}.${p.path}`,
    message: p.message.replace(' is already services[', ` is already ${at}.services[`),
  }));
  services.forEach((service, j) => {
    const name = valueAt(service, ['name']);
    if (typeof name === 'string' && `${tenantName}-${name}`.length > 63)
      problems.push({
        file,
        path: `${at}.services[${j}].name`,
        message: `${showValue(name)} is too long for tenant ${showValue(tenantName)}: "<tenant>-<name>" names the instance's objects and must be at most 63 characters`,
      });
    // the RabbitMQ operator ships as upstream manifests, which the platform applies with a Flux Kustomization
    if (valueAt(service, ['kind']) === 'rabbitmq' && engine === 'argocd')
      problems.push({
        file,
        path: `${at}.services[${j}].kind`,
        message:
          '"rabbitmq" needs gitops.engine flux (its operator is applied from upstream manifests by Flux); with argocd: postgresql, mariadb, nats',
      });
  });
  return problems;
}

/** Problems for list entries whose `field` repeats an earlier entry's. */
function duplicates(raw: unknown, listPath: readonly string[], field: string, file: string, rule: string): ConfigProblem[] {
  const list = valueAt(raw, listPath);
  if (!Array.isArray(list)) return [];
  const problems: ConfigProblem[] = [];
  const seen = new Map<unknown, number>();
  list.forEach((entry, i) => {
    const value = valueAt(entry, [field]);
    if (value === undefined) return;
    const first = seen.get(value);
    if (first !== undefined)
      problems.push({
        file,
        path: `${listPath.join('.')}[${i}].${field}`,
        message: `${showValue(value)} is already ${listPath.join('.')}[${first}].${field}; ${rule}`,
      });
    else seen.set(value, i);
  });
  return problems;
}

/**
 * Validates parsed cluster config data. Returns the config with defaults applied, or every problem found.
 * @param folderName when set, `name` must equal it
 */
export function validateClusterConfig(raw: unknown, file: string, folderName?: string): { config?: ClusterConfig; problems: ConfigProblem[] } {
  const result = ClusterConfigSchema.safeParse(raw);
  const problems = [
    ...clusterConfigCredentialProblems(raw, file),
    ...(result.success ? [] : issuesToProblems(result.error.issues, raw, file)),
    ...crossFieldProblems(raw, file, folderName),
  ];
  if (problems.length > 0 || !result.success) return { problems };
  return { config: result.data, problems: [] };
}

/**
 * Reads and validates one `clusters/<name>/cluster.yaml`.
 * @param displayPath how the file is named in errors (relative to the repository root)
 * @throws ConfigError listing every problem of the file
 */
export function loadClusterConfig(file: string, displayPath: string = file): ClusterConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file: displayPath, path: '(file)', message: `cannot be read: ${(e as Error).message}` }]);
  }
  const parsed = parseYamlFile(text, displayPath);
  if (parsed.problems.length > 0) throw new ConfigError(parsed.problems);
  const { config, problems } = validateClusterConfig(parsed.data, displayPath, path.basename(path.dirname(file)));
  if (!config) throw new ConfigError(problems);
  return config;
}
