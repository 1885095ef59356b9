export * from './headlamp-values.js';
export * from './headlamp.js';
export * from './platform-links-plugin.js';
