import type { AuditReport } from './audit-trail.js';

/** Version of the JSON audit format; raised when a field changes meaning or disappears (new fields may appear). */
export const AUDIT_JSON_VERSION = 1;

/** The audit trail as JSON for machines: the AuditReport with its format version, keys in a fixed order. */
export function renderAuditJson(report: AuditReport): string {
  return `${JSON.stringify({ version: AUDIT_JSON_VERSION, ...report }, null, 2)}\n`;
}
