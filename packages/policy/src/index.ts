export * from './admission-rule.js';
export * from './pod-spec.js';
