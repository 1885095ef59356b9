import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseKubeconformReport, problemMessages } from './kubeconform-report.js';
import { parseKubernetesVersion } from './kubernetes-version.js';
import { prepareManifest } from './prepare-manifest.js';
import type { ManifestFile, ValidationProblem, ValidationResult } from './validation-problem.js';

export interface ValidateManifestsProps {
  /** The YAML files to validate; a file may hold many documents. */
  readonly files: readonly ManifestFile[];
  /** Kubernetes release the schemas are for, e.g. `1.33.0` (`1.33` means `1.33.0`). */
  readonly kubernetesVersion: string;
  /** kubeconform `-schema-location` values, tried in order (see resolveSchemaLocations). */
  readonly schemaLocations: readonly string[];
  /** Path of the kubeconform binary, e.g. from `findTool('kubeconform', root)`. */
  readonly kubeconform: string;
  /** Resources validated in parallel. @default the number of CPUs */
  readonly workers?: number;
  /** Folder in which the files are staged (in a fresh subfolder, removed afterwards). @default the OS temp folder */
  readonly tempDir?: string;
}

const MANIFEST_EXTENSION = /\.(ya?ml|json)$/i;

/**
 * Where a file is staged: `<index>-<its name>` in one flat folder (no folder per cluster and
 * layer to make and remove); results are mapped back to the caller's paths.
 */
function stagedPath(displayPath: string, index: number): string {
  const name = `${index}-${path.posix.basename(displayPath.replaceAll('\\', '/')) || 'manifest'}`;
  // kubeconform only reads files named *.yaml, *.yml or *.json when walking a folder.
  return MANIFEST_EXTENSION.test(name) ? name : `${name}.yaml`;
}

interface ToolRun {
  /** Undefined when the tool could not be started or was killed. */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it did not run to an exit code. */
  readonly failure?: string;
}

/** Runs a tool to its end with Node's own child_process (execa takes longer to load than kubeconform takes to check the demo fleet). */
function runTool(file: string, args: readonly string[], cwd: string): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) resolve({ exitCode: 0, stdout, stderr });
      else if (typeof error.code === 'number') resolve({ exitCode: error.code, stdout, stderr });
      else resolve({ exitCode: undefined, stdout, stderr, failure: error.signal ? `killed by ${error.signal}` : error.message });
    });
    child.stdin?.end();
  });
}

// Code-point order, not localeCompare: the same problems sort the same on every machine.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareProblems(a: ValidationProblem, b: ValidationProblem): number {
  return compare(a.file, b.file) || compare(a.kind, b.kind) || compare(a.name, b.name) || compare(a.message, b.message);
}

/**
 * Validates Kubernetes manifests with one kubeconform run in strict mode: unknown fields are
 * errors, and so is a kind without a schema (never `-ignore-missing-schemas`: an unchecked
 * resource must not pass as valid). Files are staged in a temporary folder, removed afterwards.
 * Files with the same text are read and validated once (a fleet's clusters share most of theirs):
 * kubeconform's verdict depends on the text and the schemas alone, so each copy gets the
 * same problems and counts its resources.
 * @throws Error when kubeconform cannot run or fails without reporting resource results
 */
export async function validateManifests(props: ValidateManifestsProps): Promise<ValidationResult> {
  const version = parseKubernetesVersion(props.kubernetesVersion).full;
  if (props.schemaLocations.length === 0) throw new Error('schemaLocations is empty; pass at least one kubeconform -schema-location');
  const workers = props.workers ?? os.availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be a positive integer, got ${workers}`);

  const problems: ValidationProblem[] = [];
  /** Staged path → every file with that text (the first is the one staged). */
  const staged = new Map<string, string[]>();
  const stagedByText = new Map<string, string>();
  /** Files prepared without problems, by their text: a copy needs no second reading. */
  const preparedByText = new Map<string, string | undefined>();
  const seen = new Set<string>();
  const contents: { file: string; content: string }[] = [];
  props.files.forEach((file, index) => {
    if (seen.has(file.displayPath)) throw new Error(`file ${file.displayPath} is given twice; displayPath must be unique`);
    seen.add(file.displayPath);
    let content: string | undefined;
    if (preparedByText.has(file.content)) {
      content = preparedByText.get(file.content);
    } else {
      const prepared = file.prepared ?? prepareManifest(file);
      problems.push(...prepared.problems);
      if (prepared.problems.length === 0) preparedByText.set(file.content, prepared.content);
      content = prepared.content;
    }
    if (content === undefined) return;
    const copyOf = stagedByText.get(content);
    if (copyOf !== undefined) {
      staged.get(copyOf)!.push(file.displayPath);
      return;
    }
    const relative = stagedPath(file.displayPath, index);
    staged.set(relative, [file.displayPath]);
    stagedByText.set(content, relative);
    contents.push({ file: relative, content });
  });
  if (contents.length === 0) return { resources: 0, problems: problems.sort(compareProblems) };

  const dir = mkdtempSync(path.join(props.tempDir ?? os.tmpdir(), 'ck8s-kubeconform-'));
  try {
    for (const { file, content } of contents) writeFileSync(path.join(dir, file), content);
    // -verbose lists valid resources too, so each copy of a file counts its resources
    const args = ['-strict', '-summary', '-verbose', '-output', 'json', '-kubernetes-version', version, '-n', String(workers)];
    for (const location of props.schemaLocations) args.push('-schema-location', location);
    // The folder, not a file list: no command-line length limit, and reported paths are relative to it.
    args.push('.');
    const run = await runTool(props.kubeconform, args, dir);
    if (run.exitCode === undefined) throw new Error(`could not run kubeconform at ${props.kubeconform}: ${run.failure}`);
    const detail = (): string => [run.stderr.trim(), run.stdout.trim()].filter(Boolean).join('\n').slice(0, 2000);
    // Exit 0: all valid; exit 1: something invalid, or kubeconform itself failed (then it reports no resource).
    if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`kubeconform exited with code ${run.exitCode}: ${detail()}`);
    let report;
    try {
      report = parseKubeconformReport(run.stdout);
    } catch (e) {
      throw new Error(`kubeconform failed (exit code ${run.exitCode}): ${run.stderr.trim() || (e as Error).message}`);
    }
    const failed = report.resources.filter((r) => r.status === 'statusInvalid' || r.status === 'statusError');
    if (run.exitCode === 1 && failed.length === 0)
      throw new Error(`kubeconform failed (exit code 1) without reporting an invalid resource: ${detail()}`);
    if (run.exitCode === 0 && failed.length > 0) throw new Error(`kubeconform exited 0 but reported ${failed.length} invalid resources: ${detail()}`);
    let resources = 0;
    for (const resource of report.resources) {
      const relative = resource.filename.split(path.sep).join('/');
      const files = staged.get(relative) ?? [resource.filename];
      resources += files.length;
      if (resource.status !== 'statusInvalid' && resource.status !== 'statusError') continue;
      for (const message of problemMessages(resource))
        for (const file of files) problems.push({ file, kind: resource.kind, name: resource.name, message });
    }
    const { valid, invalid, errors, skipped } = report.summary;
    if (report.resources.length !== valid + invalid + errors + skipped)
      throw new Error(`kubeconform listed ${report.resources.length} resources but counted ${valid + invalid + errors + skipped}: ${detail()}`);
    return { resources, problems: problems.sort(compareProblems) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
