import { PolicyEvaluator } from './policy-evaluator.js';

/** The evaluator the functions use when given none, so its compiled expressions are shared. */
export const SHARED_POLICY_EVALUATOR = new PolicyEvaluator();
