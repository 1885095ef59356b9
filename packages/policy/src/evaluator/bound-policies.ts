import type { AdmissionRule, CelNamedExpression, CelValidation, ResourceMatch } from '../admission-rule.js';
import { evaluateManifests, type ManifestViolation } from './evaluate-manifests.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- generated manifests, read as parsed YAML */

interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** Whether a label selector selects an object with these labels (an empty or absent selector selects everything). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/**
 * The admission of a cluster as its generated ValidatingAdmissionPolicies and bindings decide it:
 * for an object in a namespace, the policies whose denying bindings select that namespace (by the
 * generated Namespace's labels, as the API server matches them), evaluated with the same CEL. Used
 * to prove that what the platform installs passes the policies it installs.
 */
export class BoundPolicies {
  private readonly policies = new Map<string, any>();
  private readonly bindings: any[];
  private readonly namespaces = new Map<string, any>();
  private readonly rules = new Map<string, AdmissionRule[]>();

  constructor(generated: readonly any[]) {
    for (const o of generated) {
      if (o?.kind === 'ValidatingAdmissionPolicy') this.policies.set(o.metadata?.name, o);
      if (o?.kind === 'Namespace') this.namespaces.set(o.metadata?.name, o);
    }
    this.bindings = generated.filter((o) => o?.kind === 'ValidatingAdmissionPolicyBinding' && (o.spec?.validationActions ?? []).includes('Deny'));
  }

  /** The rules (one per policy, id = policy name without `ck8s-`) that deny in a namespace. */
  rulesIn(namespace: string): AdmissionRule[] {
    const known = this.rules.get(namespace);
    if (known) return known;
    const labels = { ...(this.namespaces.get(namespace)?.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
    const names = new Set<string>(
      this.bindings.filter((b) => selectorMatches(b.spec?.matchResources?.namespaceSelector, labels)).map((b) => b.spec?.policyName),
    );
    const rules = [...names]
      .sort()
      .map((name) => this.policies.get(name))
      .filter((p) => p !== undefined)
      .map((p): AdmissionRule => ({
        id: String(p.metadata.name).replace(/^ck8s-/, ''),
        title: p.metadata.annotations?.['platform.ck8s.io/title'] ?? p.metadata.name,
        // any namespace but default: the bindings already chose the namespace
        scope: 'tenants',
        match: (p.spec?.matchConstraints?.resourceRules ?? []) as ResourceMatch[],
        ...(p.spec?.matchConditions ? { matchConditions: p.spec.matchConditions as CelNamedExpression[] } : {}),
        variables: (p.spec?.variables ?? []) as CelNamedExpression[],
        validations: (p.spec?.validations ?? []) as CelValidation[],
      }));
    this.rules.set(namespace, rules);
    return rules;
  }

  /** What the bound policies deny about an object created in a namespace. */
  evaluate(object: unknown, namespace: string): ManifestViolation[] {
    const namespaceObject = this.namespaces.get(namespace);
    return evaluateManifests(this.rulesIn(namespace), [{ file: 'object', object }], {
      namespace,
      ...(namespaceObject ? { namespaces: new Map([[namespace, namespaceObject]]) } : {}),
    }).flatMap((r) => r.violations);
  }
}
