export * from './backup-schedule.js';
export * from './restore-templates.js';
export * from './velero.js';
export * from './velero-alerts.js';
export * from './velero-dashboard.js';
export * from './volume-backup.js';
