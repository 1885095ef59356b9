export * from './apply-projects-script.js';
export * from './database-dump.js';
export * from './harbor-oidc.js';
export * from './harbor-values.js';
export * from './registry-alerts.js';
export * from './registry-configuration.js';
export * from './registry-endpoints.js';
export * from './registry.js';
