import type { AuditChange, AuditFlag, AuditObject, AuditPerson, AuditReport, LandingCommit } from './audit-trail.js';

/** Wording shared by the Markdown and HTML audit renderers. */
export const FLAG_TEXT: Record<AuditFlag, string> = {
  'direct-push': 'direct push: reached the main branch without a merge or an approval trailer',
  unsigned: 'unsigned: the commit has no good signature',
  'unsigned-merge': 'unsigned merge: the merge that brought it in has no good signature',
  'emergency-change': 'emergency change: carries an Emergency-Change trailer, so it may land outside the maintenance window',
};

/** The flag's text; an emergency change also names the reasons its trailers give. */
export function flagText(change: AuditChange, flag: AuditFlag): string {
  return flag === 'emergency-change' && change.emergency ? `${FLAG_TEXT[flag]} (${change.emergency.join('; ')})` : FLAG_TEXT[flag];
}

/** Fields named per object before the rest are counted. */
const FIELDS_SHOWN = 5;

export function person(p: AuditPerson): string {
  return `${p.name} <${p.email}>`;
}

export function shortCommit(commit: string): string {
  return commit.slice(0, 12);
}

/** How the change reached the main branch, without the commit: `merge (pull request #12) on <date>`. */
export function landingText(l: LandingCommit): string {
  const how = l.via === 'merge' ? 'merge' : l.via === 'squash' ? 'squash commit with approval trailer' : 'direct commit';
  return `${how}${l.pullRequest !== undefined ? ` (pull request #${l.pullRequest})` : ''} on ${l.date}`;
}

/** `changed ResourceQuota team-a/quota: spec.hard.cpu` */
export function objectText(o: AuditObject): string {
  const label =
    o.name !== undefined ? `${o.kind ?? 'object'} ${o.namespace ? `${o.namespace}/` : ''}${o.name}` : `${o.kind ?? 'document'} in ${o.file}`;
  const fields = o.fields.length > FIELDS_SHOWN ? [...o.fields.slice(0, FIELDS_SHOWN), `and ${o.fields.length - FIELDS_SHOWN} more`] : o.fields;
  return `${o.change} ${label}${fields.length > 0 ? `: ${fields.join(', ')}` : ''}`;
}

/** The summary line: `4 change(s), 1 flagged: 1 direct push(es), 0 without a good signature`. */
export function summaryText(report: AuditReport): string {
  const s = report.summary;
  const signing = report.requireSignedCommits ? `, ${s.unsigned} without a good signature` : '';
  // emergency changes are counted only when there are any, so the line of a fleet without them stays as it was
  const emergency = s.emergencyChanges > 0 ? `, ${s.emergencyChanges} emergency change(s)` : '';
  return `${s.changes} change(s), ${s.flagged} flagged: ${s.directPushes} direct push(es)${signing}${emergency}`;
}

/** The files a change touched that hold no generated object (the input cluster.yaml). */
export function inputFiles(change: AuditChange): string[] {
  const inObjects = new Set(change.components.flatMap((c) => c.objects.map((o) => o.file)));
  return change.files.filter((f) => !inObjects.has(f));
}
