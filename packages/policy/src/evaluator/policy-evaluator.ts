import type { CelInput, CelResult } from '@bufbuild/cel';
import { celLibrary } from './cel-library.js';
import type { AdmissionRule, CelValidation, Operation, ResourceMatch } from '../admission-rule.js';
import type { AdmissionRequest, RuleEvaluation, RuleViolation } from './admission-request.js';
import { celInput, toCelObject } from './cel-input.js';
import { CelPrograms } from './cel-programs.js';
import { resourceOfKind, type GroupVersionResource } from './resource-of-kind.js';

/** One request, converted once for all the rules evaluated against it. */
interface RequestContext {
  readonly resource: GroupVersionResource | undefined;
  readonly subResource: string;
  readonly operation: Operation;
  readonly bindings: Readonly<Record<string, CelInput>>;
  /** Variable results by the rule's variables up to and including that one (see prefixKeys). */
  readonly variables: Map<string, CelResult>;
}

/**
 * Evaluates admission rules offline the way the API server evaluates the ValidatingAdmissionPolicy
 * generated from them: match (resource and operation), then matchConditions, then variables in
 * order, then every validation. A validation that is false or fails to evaluate is a violation,
 * as under failurePolicy Fail. Expressions are compiled once per evaluator.
 */
export class PolicyEvaluator {
  private readonly programs = new CelPrograms();
  private readonly prefixKeys = new WeakMap<AdmissionRule, readonly string[]>();

  /** Evaluates one rule against one request. */
  evaluateRule(rule: AdmissionRule, request: AdmissionRequest): RuleEvaluation {
    return this.evaluateRules([rule], request)[0] ?? { applies: false, violations: [] };
  }

  /**
   * Evaluates several rules against one request, converting the object once and evaluating
   * variables the rules share (same names and expressions, in the same order) once.
   */
  evaluateRules(rules: readonly AdmissionRule[], request: AdmissionRequest): RuleEvaluation[] {
    const context = this.contextOf(request);
    return rules.map((rule) => this.evaluateInContext(rule, context));
  }

  /** Why an expression does not compile with @bufbuild/cel, or undefined when it does. */
  compileError(expression: string): string | undefined {
    return this.programs.compileError(expression);
  }

  private contextOf(request: AdmissionRequest): RequestContext {
    // a DELETE carries only the old object; it still says which resource the request is for
    const raw = isRecord(request.object) ? request.object : isRecord(request.oldObject) ? request.oldObject : {};
    const metadata = isRecord(raw['metadata']) ? raw['metadata'] : {};
    const apiVersion = typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : '';
    const kind = typeof raw['kind'] === 'string' ? raw['kind'] : '';
    const resource = resourceOfKind(apiVersion, kind);
    const operation = request.operation ?? 'CREATE';
    const namespace = request.namespace ?? (typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '');
    const slash = apiVersion.indexOf('/');
    const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
    // the API server leaves empty name, namespace and subResource out (omitempty): has() is false,
    // and reading one is an error (e.g. request.namespace of a cluster-scoped object)
    const requestBinding = {
      operation,
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
      kind: { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1), kind },
      resource: resource ?? { group: '', version: '', resource: '' },
      ...(request.subResource ? { subResource: request.subResource } : {}),
      userInfo: { username: request.userInfo?.username ?? '', groups: [...(request.userInfo?.groups ?? [])] },
      dryRun: false,
    };
    // built-in kinds reach CEL as the API server re-encodes its Go types: empty lists left out
    const conversion = { dropEmptyLists: resource !== undefined && !resource.custom };
    const namespaceObject =
      request.namespaceObject ?? (namespace ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } : undefined);
    return {
      resource,
      subResource: request.subResource ?? '',
      operation,
      bindings: {
        object: celInput(toCelObject(request.object, conversion)),
        oldObject: celInput(toCelObject(request.oldObject, conversion)),
        request: celInput(toCelObject(requestBinding)),
        namespaceObject: celInput(toCelObject(namespaceObject, { dropEmptyLists: true })),
      },
      variables: new Map(),
    };
  }

  private evaluateInContext(rule: AdmissionRule, context: RequestContext): RuleEvaluation {
    const resource = context.resource;
    if (!resource || !rule.match.some((match) => matchesResource(match, resource, context.subResource, context.operation))) {
      return { applies: false, violations: [] };
    }

    // Any false condition skips the rule; otherwise an erroring one fails closed.
    const conditionErrors: string[] = [];
    for (const condition of rule.matchConditions ?? []) {
      const result = this.programs.get(condition.expression)(context.bindings);
      if (celLibrary().cel.isCelError(result)) conditionErrors.push(`match condition ${condition.name} failed: ${result.message}`);
      else if (result !== true) return { applies: false, violations: [] };
    }
    if (conditionErrors.length > 0) {
      return { applies: true, violations: conditionErrors.map((message) => ({ rule: rule.id, message })) };
    }

    const variables = this.variablesOf(rule, context);
    const bindings: Record<string, CelInput> = { ...context.bindings, variables: variables as unknown as CelInput };
    const violations: RuleViolation[] = [];
    for (const validation of rule.validations) {
      const result = this.programs.get(validation.expression)(bindings);
      if (result === true) continue;
      const message = this.messageOf(validation, bindings);
      if (celLibrary().cel.isCelError(result)) violations.push({ rule: rule.id, message: `${message} (expression error: ${result.message})` });
      else if (typeof result !== 'boolean') violations.push({ rule: rule.id, message: `${message} (expression returned a non-boolean value)` });
      else violations.push({ rule: rule.id, message });
    }
    return { applies: true, violations };
  }

  /**
   * The rule's variables as the `variables` map. A variable that fails to evaluate is left out, so
   * an expression that reads it fails too, as the API server's lazily evaluated variables do.
   */
  private variablesOf(rule: AdmissionRule, context: RequestContext): Map<string, CelResult> {
    const keys = this.prefixKeysOf(rule);
    const variables = new Map<string, CelResult>();
    rule.variables.forEach((variable, index) => {
      const key = keys[index]!;
      let result = context.variables.get(key);
      if (result === undefined) {
        result = this.programs.get(variable.expression)({ ...context.bindings, variables: variables as unknown as CelInput });
        context.variables.set(key, result);
      }
      if (!celLibrary().cel.isCelError(result)) variables.set(variable.name, result);
    });
    return variables;
  }

  /** Keys that identify each variable's value: its own and all earlier names and expressions. */
  private prefixKeysOf(rule: AdmissionRule): readonly string[] {
    let keys = this.prefixKeys.get(rule);
    if (!keys) {
      let prefix = '';
      keys = rule.variables.map((variable) => (prefix += `\u0000${variable.name}\u0000${variable.expression}`));
      this.prefixKeys.set(rule, keys);
    }
    return keys;
  }

  /** The messageExpression's result when usable (as the API server judges it), else the static message. */
  private messageOf(validation: CelValidation, bindings: Record<string, CelInput>): string {
    if (validation.messageExpression) {
      const result = this.programs.get(validation.messageExpression)(bindings);
      if (typeof result === 'string' && result.trim() !== '' && !/[\r\n]/.test(result)) return result;
    }
    return validation.message || `failed expression: ${validation.expression}`;
  }
}

// A resource rule's match with the API server's wildcards: "*" (resources, not subresources),
// "*/*" (everything), "pods/*" (any subresource of pods), "*/status" (that subresource of anything).
function matchesResource(match: ResourceMatch, resource: GroupVersionResource, subResource: string, operation: Operation): boolean {
  const has = (values: readonly string[], value: string) => values.includes('*') || values.includes(value);
  const resourceMatches = match.resources.some((entry) => {
    if (entry === '*/*') return true;
    if (entry === '*') return subResource === '';
    const [name, sub = ''] = entry.split('/');
    return (name === '*' || name === resource.resource) && (sub === '*' ? subResource !== '' : sub === subResource);
  });
  return (
    resourceMatches &&
    has(match.apiGroups, resource.group) &&
    has(match.apiVersions, resource.version) &&
    (match.operations.includes(operation) || (match.operations as readonly string[]).includes('*'))
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
