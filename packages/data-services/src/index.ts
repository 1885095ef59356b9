export * from './data-service-definition.js';
export * from './data-services.js';
export * from './backup-time.js';
export * from './postgresql.js';
export * from './postgresql-alerts.js';
