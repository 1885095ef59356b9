export * from './falco.js';
export * from './falco-values.js';
export * from './platform-exceptions.js';
