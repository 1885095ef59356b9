export * from './context.js';
export * from './io.js';
export * from './main.js';
export * from './synth/compose-cluster.js';
export * from './synth/synthesize-cluster.js';
