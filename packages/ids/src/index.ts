export * from './falco-alerts.js';
export * from './falco-dashboard.js';
export * from './falco-exceptions-check.js';
export * from './falco-values.js';
export * from './falco.js';
export * from './platform-exceptions.js';
