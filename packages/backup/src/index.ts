export * from './backup-schedule.js';
export * from './velero.js';
