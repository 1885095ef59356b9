export * from './chart-source.js';
export * from './flow-checks.js';
export * from './helm-template.js';
export * from './network-reach.js';
export * from './pod-templates.js';
export * from './post-render.js';
export * from './render-checks.js';
export * from './verify-renders.js';
