export * from './dex-alerts.js';
export * from './dex-connectors.js';
export * from './dex-dashboard.js';
export * from './dex-values.js';
export * from './identity-endpoints.js';
export * from './identity-provider.js';
export * from './static-clients.js';
