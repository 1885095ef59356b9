export * from './argocd-layers.js';
export * from './argocd-project.js';
export * from './argocd-values.js';
export * from './argocd.js';
export * from './flux-alerts.js';
export * from './flux-install.js';
export * from './flux-layers.js';
export * from './flux-sync.js';
