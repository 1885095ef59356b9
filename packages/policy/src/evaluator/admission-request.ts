import type { Operation } from '../admission-rule.js';

/** Who sends a request, as `request.userInfo` shows it. */
export interface UserInfo {
  readonly username: string;
  /** @default [] */
  readonly groups?: readonly string[];
}

/** One admission request to evaluate a rule against, offline. */
export interface AdmissionRequest {
  /** The object as applied (a parsed manifest). */
  readonly object?: unknown;
  /** The object before an UPDATE. @default none (`oldObject` is null) */
  readonly oldObject?: unknown;
  /** @default 'CREATE' */
  readonly operation?: Operation;
  /** Subresource of the request, e.g. `ephemeralcontainers` for `pods/ephemeralcontainers`. @default none */
  readonly subResource?: string;
  /** Namespace of the request. @default the object's metadata.namespace */
  readonly namespace?: string;
  /** @default an anonymous user with no groups */
  readonly userInfo?: UserInfo;
  /**
   * The Namespace object of the request's namespace, as `namespaceObject` shows it.
   * @default a namespace with only its name (no labels or annotations); none for a cluster-scoped request
   */
  readonly namespaceObject?: unknown;
}

/** A rule a request violates, with the message the API server would return. */
export interface RuleViolation {
  /** The rule id. */
  readonly rule: string;
  readonly message: string;
}

/** What a rule says about one request. */
export interface RuleEvaluation {
  /** Whether the rule matched the request's resource and operation and its match conditions held. */
  readonly applies: boolean;
  readonly violations: RuleViolation[];
}
