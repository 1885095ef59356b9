import type { Command } from 'commander';
import { type CliIo, ReportedFailure, UsageError } from '../io.js';

const OUTPUTS = ['md', 'json', 'html'];

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** A date is midnight UTC; a time needs its offset, so the result never depends on where it runs. */
function parseSince(value: string): Date {
  const time = ISO_TIME.test(value) ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : Number.NaN;
  // Date.parse rolls 2024-02-30 over into March: the day must read back as given
  const valid = !Number.isNaN(time) && (value.length !== 10 || new Date(time).toISOString().startsWith(value));
  if (!valid)
    throw new UsageError(
      `--since "${value}" is not a date; use YYYY-MM-DD (midnight UTC) or an ISO 8601 time with offset such as 2024-05-01T12:00:00Z`,
    );
  return new Date(time);
}

export function registerAudit(program: Command, io: CliIo): void {
  program
    .command('audit')
    .description(
      'the audit trail of clusters/ from the main branch: every change, its author and date, the merge that brought it in, its approvers, the objects it changed',
    )
    .option('--cluster <name>', 'only this cluster (default: every cluster on the main branch or in its history)')
    .option('--since <date>', 'only changes that reached the main branch at or after this date (YYYY-MM-DD, UTC) or ISO 8601 time')
    .option('--output <format>', 'md, json or html (one self-contained page)', 'md')
    .option('--fail-on-flags', 'exit with status 1 when any change is flagged (for CI)', false)
    .addHelpText(
      'after',
      `
Approvers are the values of Reviewed-by: and Approved-by: trailers on the merge commit and on the
change itself. Flagged: a commit on the main branch's first-parent line that is not a merge and has
no approval trailer (a direct push; a squash commit with a trailer counts as reviewed); with
audit.requireSignedCommits: true in ck8s.config.yaml, a commit or merge whose signature git does
not verify as good (git log %G? other than G). The main branch is audit.mainBranch (default main;
refs/heads/<name>, else refs/remotes/origin/<name>); it needs the whole history (fetch-depth: 0).
Exit status: 0 with the flagged changes marked in the output; 1 with --fail-on-flags when any change
is flagged, or on an error.`,
    )
    .action(async (options: { cluster?: string; since?: string; output: string; failOnFlags: boolean }) => {
      if (!OUTPUTS.includes(options.output)) throw new UsageError(`--output "${options.output}" is not supported; allowed: ${OUTPUTS.join(', ')}`);
      const since = options.since !== undefined ? parseSince(options.since) : undefined;
      const { openWorkspace } = await import('@ck8s/platform/fleet-context');
      const { collectAudit, renderAuditHtml, renderAuditJson, renderAuditMarkdown } = await import('@ck8s/review');
      const workspace = openWorkspace(io.cwd, program.opts().root);
      const report = await collectAudit({
        root: workspace.root,
        mainBranch: workspace.settings.audit.mainBranch,
        requireSignedCommits: workspace.settings.audit.requireSignedCommits,
        ...(options.cluster !== undefined ? { clusters: [options.cluster] } : {}),
        ...(since ? { since } : {}),
      });
      if (report.shallow) io.stderr('audit: warning: this clone is shallow, so older history is missing; run git fetch --unshallow\n');
      if (options.output === 'json') io.stdout(renderAuditJson(report));
      else if (options.output === 'html') io.stdout(renderAuditHtml(report));
      else io.stdout(renderAuditMarkdown(report));
      if (options.failOnFlags && report.summary.flagged > 0) {
        io.stderr(`audit: ${report.summary.flagged} flagged change(s)\n`);
        throw new ReportedFailure(1);
      }
    });
}
