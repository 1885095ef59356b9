import type { AdmissionRule } from '../admission-rule.js';
import type { AdmissionRequest, RuleEvaluation } from './admission-request.js';
import { SHARED_POLICY_EVALUATOR } from './shared-evaluator.js';

/** Evaluates one rule against one request with the shared evaluator (see PolicyEvaluator). */
export function evaluateRule(rule: AdmissionRule, request: AdmissionRequest): RuleEvaluation {
  return SHARED_POLICY_EVALUATOR.evaluateRule(rule, request);
}
