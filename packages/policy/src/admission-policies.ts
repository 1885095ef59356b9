import {
  type ClusterConfig,
  Component,
  type ConfigProblem,
  ConfigError,
  PLATFORM_ADMISSION_RULES,
  type PlatformAdmissionException,
  type RuleEnforcement,
} from '@ck8s/core';
import type { Construct } from 'constructs';
import { ADMISSION_ALERTS } from './admission-alerts.js';
import type { AdmissionRule } from './admission-rule.js';
import { AdmissionPolicy, type BindingException } from './admission-policy.js';
import { platformRegistriesRule } from './platform-rules.js';

/** An exception of a platform namespace from a platform rule, as a component declared it. */
export interface PlatformException extends PlatformAdmissionException {
  /** The component that declared it. */
  readonly component: string;
}

export interface HoldPlatformProps {
  /** The platform's own namespaces (every namespace a component owns). */
  readonly namespaces: readonly string[];
  /** Registries each platform namespace may pull from (see platformRegistriesRule). */
  readonly registries: ReadonlyMap<string, readonly string[]>;
  /** Exceptions the components declared. @default none */
  readonly exceptions?: readonly PlatformException[];
}

/** One namespace exempt from one rule, with why. */
export interface AdmissionException {
  readonly namespace: string;
  readonly rule: string;
  readonly reason: string;
}

export interface AdmissionPoliciesProps {
  /** The rules to enforce (Pod Security Standards and platform rules). */
  readonly rules: readonly AdmissionRule[];
  /** Rules enforced other than by denying, by rule id (cluster.yaml's `policy.enforcement`). @default {} (every rule denies) */
  readonly enforcement?: Readonly<Record<string, RuleEnforcement>>;
  /**
   * Namespaces exempt from a rule: cluster.yaml's `policy.exceptions` first (errors name their index
   * there), then any implied by other settings.
   * @default [] (no exceptions)
   */
  readonly exceptions?: readonly AdmissionException[];
  /** The file enforcement and exceptions come from, named in errors about them. @default 'cluster.yaml' */
  readonly configFile?: string;
}

/** Exceptions implied by tenant settings, so they show up like configured ones. */
export function tenantExceptions(cluster: ClusterConfig): AdmissionException[] {
  return cluster.tenants.flatMap((t) => [
    ...(t.allowLoadBalancer ? [{ namespace: t.name, rule: 'service-load-balancer', reason: 'tenant setting allowLoadBalancer: true' }] : []),
    ...(t.allowNodePort ? [{ namespace: t.name, rule: 'service-node-port', reason: 'tenant setting allowNodePort: true' }] : []),
  ]);
}

/**
 * Every admission rule of a cluster as a ValidatingAdmissionPolicy and binding
 * (`policies/admission-policies.yaml`), with the enforcement action and exceptions from
 * cluster.yaml. Unknown rule ids in the config are errors, so a typo never disables nothing.
 */
export class AdmissionPolicies extends Component {
  private readonly policies = new Map<string, AdmissionPolicy>();

  constructor(scope: Construct, id: string, props: AdmissionPoliciesProps) {
    super(scope, id, { layer: 'policies' });
    this.addAlerts(ADMISSION_ALERTS);
    const { rules, enforcement = {}, exceptions = [] } = props;
    const file = props.configFile ?? 'cluster.yaml';
    const ids = rules.map((r) => r.id);
    const problems: ConfigProblem[] = [];
    for (const ruleId of Object.keys(enforcement)) {
      if (!ids.includes(ruleId)) problems.push({ file, path: `policy.enforcement.${ruleId}`, message: `unknown rule; rules: ${ids.join(', ')}` });
    }
    exceptions.forEach((e, i) => {
      if (!ids.includes(e.rule))
        problems.push({ file, path: `policy.exceptions[${i}].rule`, message: `"${e.rule}" is not a rule; rules: ${ids.join(', ')}` });
    });
    if (problems.length > 0) throw new ConfigError(problems);

    for (const rule of rules) {
      const { action, reason } = enforcement[rule.id] ?? { action: 'deny' };
      const policy = new AdmissionPolicy(this, rule.id, {
        rule,
        enforcement: action,
        ...(reason ? { enforcementReason: reason } : {}),
        exceptions: exceptions.filter((e) => e.rule === rule.id).map((e): BindingException => ({ namespace: e.namespace, reason: e.reason })),
      });
      this.policies.set(rule.id, policy);
    }
  }

  /**
   * Holds the platform's own namespaces to the platform's rules for workloads (PLATFORM_ADMISSION_RULES):
   * resource requests, pinned image tags, and images only from the registries of the charts each
   * namespace installs. Pod Security stays with the namespaces' labels. Each namespace a component
   * declared an exception for is left out of that rule's binding, and the exception is written on it.
   * Called once every component is composed, since the namespaces and registries come from them.
   */
  holdPlatform(props: HoldPlatformProps): void {
    const exceptions = props.exceptions ?? [];
    const owned = new Set(props.namespaces);
    for (const e of exceptions)
      if (!owned.has(e.namespace))
        throw new Error(`admission exception ${e.name} (component ${e.component}): namespace ${e.namespace} is not a platform namespace`);
    const names = exceptions.map((e) => e.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`admission exception ${twice} is declared twice`);
    const registries = new AdmissionPolicy(this, 'platform-registries', { rule: platformRegistriesRule(props.registries), bindTenants: false });
    for (const rule of PLATFORM_ADMISSION_RULES) {
      const policy = rule === 'platform-registries' ? registries : this.policies.get(rule);
      if (!policy) throw new Error(`admission rule ${rule} is not among the cluster's rules`);
      policy.bindPlatform(
        props.namespaces,
        exceptions
          .filter((e) => e.rule === rule)
          .map((e) => ({
            namespace: e.namespace,
            reason: `${e.reason} (exception ${e.name} of component ${e.component}, ${e.object ?? `Namespace/${e.namespace}`})`,
          })),
      );
    }
  }
}
