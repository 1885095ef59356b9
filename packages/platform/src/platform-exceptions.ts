import { componentsOf } from '@ck8s/core';
import type { Construct } from 'constructs';

/** An exception of a platform namespace from one of the platform's admission rules, as `validate --output json` and the report list it. */
export interface PlatformExceptionReport {
  readonly cluster: string;
  /** The exception's name, as on the rule's binding. */
  readonly name: string;
  /** The component that declared it. */
  readonly component: string;
  readonly namespace: string;
  /** `Kind/name` of the workload that needs it, or `Namespace/<name>` for the whole namespace. */
  readonly object: string;
  /** The rule id (`resource-requirements`, `image-tag`, `platform-registries`). */
  readonly rule: string;
  readonly reason: string;
}

/** The exceptions the components of a composed cluster declare (Component.admissionExceptions), sorted by namespace, rule and name. */
export function platformExceptionsOf(scope: Construct, cluster: string): PlatformExceptionReport[] {
  return componentsOf(scope)
    .flatMap((c) =>
      c.admissionExceptions.map((e) => ({
        cluster,
        name: e.name,
        component: c.componentName,
        namespace: e.namespace,
        object: e.object ?? `Namespace/${e.namespace}`,
        rule: e.rule,
        reason: e.reason,
      })),
    )
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.rule, b.rule) || compare(a.name, b.name));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
