/** The fleet's compliance report: one static HTML page. */
export * from './read-cluster-output.js';
export * from './read-git-history.js';
export * from './render-report.js';
export * from './report-model.js';
export * from './html.js';
export * from './render-page.js';
