import type { AdmissionRule, PodSecurityLevel } from '../admission-rule.js';
import type { PolicyEvaluator } from './policy-evaluator.js';
import { SHARED_POLICY_EVALUATOR } from './shared-evaluator.js';

/** A parsed manifest document and the file it came from. */
export interface ManifestDocument {
  readonly file: string;
  readonly object: unknown;
}

/** A rule that does not apply in one namespace. */
export interface RuleException {
  readonly namespace: string;
  /** Rule id (`pss-privileged`) or policy name (`ck8s-pss-privileged`). */
  readonly rule: string;
}

export interface EvaluateManifestsOptions {
  /**
   * Evaluate only rules whose level is set and at most this one (baseline is part of restricted).
   * @default every given rule
   */
  readonly level?: PodSecurityLevel;
  /** Namespace every object is evaluated in. @default each object's metadata.namespace */
  readonly namespace?: string;
  /** Rules skipped in a namespace. @default none */
  readonly exceptions?: readonly RuleException[];
  /**
   * Namespace objects by name, for rules that read `namespaceObject` (e.g. a tenant's allowed hosts).
   * Namespaces among the documents are used too, ahead of these.
   * @default none: a namespace has only its name
   */
  readonly namespaces?: ReadonlyMap<string, unknown>;
  /** @default a shared evaluator */
  readonly evaluator?: PolicyEvaluator;
}

/** A policy an object violates: the policy's name (`ck8s-<rule id>`) and its message. */
export interface ManifestViolation {
  readonly policy: string;
  readonly message: string;
}

/** The verdict for one object. */
export interface ManifestResult {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** The namespace it was evaluated in; null for a cluster-scoped object or none given. */
  readonly namespace: string | null;
  readonly name: string;
  /** True when no rule is violated. */
  readonly allowed: boolean;
  readonly violations: ManifestViolation[];
}

const LEVEL_RANK: Readonly<Record<PodSecurityLevel, number>> = { baseline: 1, restricted: 2 };

/**
 * Evaluates rules against manifests as the cluster's admission would on `kubectl apply` (CREATE).
 * Tenant-scoped rules apply outside the `default` namespace, default-namespace rules only inside it;
 * offline, any namespace other than `default` counts as a tenant's.
 */
export function evaluateManifests(
  rules: readonly AdmissionRule[],
  documents: readonly ManifestDocument[],
  options: EvaluateManifestsOptions = {},
): ManifestResult[] {
  const evaluator = options.evaluator ?? SHARED_POLICY_EVALUATOR;
  const level = options.level;
  const selected = level ? rules.filter((rule) => rule.level !== undefined && LEVEL_RANK[rule.level] <= LEVEL_RANK[level]) : rules;
  const namespaces = new Map(options.namespaces ?? []);
  for (const { object } of documents) {
    const raw = isRecord(object) ? object : {};
    const metadata = isRecord(raw['metadata']) ? raw['metadata'] : {};
    if (raw['apiVersion'] === 'v1' && raw['kind'] === 'Namespace' && typeof metadata['name'] === 'string') namespaces.set(metadata['name'], object);
  }

  return documents.map(({ file, object }) => {
    const raw = isRecord(object) ? object : {};
    const metadata = isRecord(raw['metadata']) ? raw['metadata'] : {};
    const apiVersion = typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : '';
    const kind = typeof raw['kind'] === 'string' ? raw['kind'] : '';
    const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
    const namespace = options.namespace ?? (typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined);
    // A Namespace is matched by its own name, as a binding's namespaceSelector matches it.
    const scopeNamespace = namespace ?? (apiVersion === 'v1' && kind === 'Namespace' ? name : undefined);

    const applicable = selected.filter((rule) => {
      const inScope = rule.scope === 'default-namespace' ? scopeNamespace === 'default' : scopeNamespace !== 'default';
      const excepted = (options.exceptions ?? []).some(
        (exception) => exception.namespace === scopeNamespace && (exception.rule === rule.id || exception.rule === `ck8s-${rule.id}`),
      );
      return inScope && !excepted;
    });

    const namespaceObject = namespace !== undefined ? namespaces.get(namespace) : undefined;
    const evaluations = evaluator.evaluateRules(applicable, {
      object,
      operation: 'CREATE',
      namespace,
      ...(namespaceObject !== undefined ? { namespaceObject } : {}),
    });
    const violations = evaluations.flatMap((evaluation) =>
      evaluation.violations.map((violation) => ({ policy: `ck8s-${violation.rule}`, message: violation.message })),
    );
    return { file, apiVersion, kind, namespace: namespace ?? null, name, allowed: violations.length === 0, violations };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
