export * from './flux-install.js';
export * from './flux-layers.js';
export * from './flux-sync.js';
