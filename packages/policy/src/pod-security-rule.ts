import type { AdmissionRule, CelNamedExpression, PodSecurityLevel } from './admission-rule.js';
import { POD_RESOURCES, POD_VARIABLES } from './pod-spec.js';

/** One check of the Pod Security Standards, before the shared pod plumbing is added. */
export interface PodSecurityCheckProps {
  /** Rule id, `pss-<check>`. */
  readonly id: string;
  readonly title: string;
  readonly level: PodSecurityLevel;
  /** Evaluated after POD_VARIABLES, in order. @default none */
  readonly variables?: readonly CelNamedExpression[];
  /** True when the pod complies. */
  readonly expression: string;
  /** Static message; also the start of the message expression's result. */
  readonly message: string;
  /** CEL expression naming what is wrong; appended to `message` after `: `. */
  readonly detail: string;
}

/**
 * Builds the AdmissionRule of one pod security check: every tenant namespace, every pod-bearing
 * resource, the shared pod variables first. The message expression repeats the static message so
 * both read the same, with the offending names added.
 */
export function podSecurityRule(props: PodSecurityCheckProps): AdmissionRule {
  // The message is embedded in a CEL string literal.
  if (/['\\\n]/.test(props.message))
    throw new Error(`invalid message for ${props.id} "${props.message}": quotes, backslashes and line breaks are not allowed`);
  return {
    id: props.id,
    title: props.title,
    level: props.level,
    scope: 'tenants',
    match: POD_RESOURCES,
    variables: [...POD_VARIABLES, ...(props.variables ?? [])],
    validations: [
      {
        expression: props.expression,
        message: props.message,
        messageExpression: `'${props.message}: ' + ${props.detail}`,
      },
    ],
  };
}
