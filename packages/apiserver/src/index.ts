export * from './api-server-args.js';
export * from './audit-policy.js';
export * from './node-files.js';
export * from './oidc-settings.js';
