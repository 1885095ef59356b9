export * from './admission-policies.js';
export * from './admission-policy.js';
export * from './admission-rule.js';
export * from './cluster-access.js';
export * from './default-registries.js';
export * from './platform-rules.js';
export * from './pod-spec.js';
