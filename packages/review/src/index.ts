/** Object-level diffs of generated output between git revisions, and the audit trail from git history. */
export * from './align-sequences.js';
export * from './audit-text.js';
export * from './audit-trail.js';
export * from './field-change-view.js';
export * from './field-changes.js';
export * from './field-path.js';
export * from './fleet-diff.js';
export * from './git-repository.js';
export * from './line-diff.js';
export * from './markdown-text.js';
export * from './object-changes.js';
export * from './render-audit-html.js';
export * from './render-audit-json.js';
export * from './render-audit-markdown.js';
export * from './render-diff-markdown.js';
export * from './render-diff-text.js';
export * from './window-check.js';
