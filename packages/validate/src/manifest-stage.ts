import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { textDigest } from '@ck8s/core/base';
import { parseKubeconformReport, problemMessages } from './kubeconform-report.js';
import { parseKubernetesVersion } from './kubernetes-version.js';
import { prepareManifest } from './prepare-manifest.js';
import type { ManifestFile, ValidationProblem, ValidationResult } from './validation-problem.js';

export interface KubeconformRunProps {
  /** Kubernetes release the schemas are for, e.g. `1.33.0` (`1.33` means `1.33.0`). */
  readonly kubernetesVersion: string;
  /** kubeconform `-schema-location` values, tried in order (see resolveSchemaLocations). */
  readonly schemaLocations: readonly string[];
  /** Path of the kubeconform binary, e.g. from `findTool('kubeconform', root)`. */
  readonly kubeconform: string;
  /** Resources validated in parallel. @default the number of CPUs */
  readonly workers?: number;
}

export interface ManifestStageProps {
  /** Folder in which the files are staged (in a fresh subfolder, removed by dispose). @default the OS temp folder */
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
    const child = execFile(file, args, { cwd, maxBuffer: 1024 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
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
 * Manifests staged on disk for one kubeconform run: each file is prepared and written as it is
 * added, so a caller checking a large fleet keeps none of its texts in memory. Files with the same
 * text are read and staged once (a fleet's clusters share most of theirs): kubeconform's verdict
 * depends on the text and the schemas alone, so each copy gets the same problems and counts its
 * resources.
 */
export class ManifestStage {
  private readonly tempDir: string;
  private dir: string | undefined;
  private readonly problems: ValidationProblem[] = [];
  private readonly displayPaths = new Set<string>();
  /** Staged path → every file with that text (the first is the one staged). */
  private readonly copies = new Map<string, string[]>();
  /** Digest of a staged text → its staged path. */
  private readonly stagedByDigest = new Map<string, string>();
  /** Digest of a file prepared without problems → its staged path, or null when it holds no object: a copy needs no second reading. */
  private readonly preparedByDigest = new Map<string, string | null>();

  constructor(props: ManifestStageProps = {}) {
    this.tempDir = props.tempDir ?? os.tmpdir();
  }

  /** Prepares the file (see prepareManifest) and stages what kubeconform should read of it. */
  add(file: ManifestFile): void {
    if (this.displayPaths.has(file.displayPath)) throw new Error(`file ${file.displayPath} is given twice; displayPath must be unique`);
    this.displayPaths.add(file.displayPath);
    const key = textDigest(file.content);
    const known = this.preparedByDigest.get(key);
    if (known !== undefined) {
      if (known !== null) this.copies.get(known)!.push(file.displayPath);
      return;
    }
    const prepared = file.prepared ?? prepareManifest(file);
    this.problems.push(...prepared.problems);
    let staged: string | null = null;
    if (prepared.content !== undefined) {
      const contentKey = prepared.content === file.content ? key : textDigest(prepared.content);
      const copyOf = this.stagedByDigest.get(contentKey);
      if (copyOf !== undefined) {
        this.copies.get(copyOf)!.push(file.displayPath);
        staged = copyOf;
      } else {
        staged = stagedPath(file.displayPath, this.displayPaths.size - 1);
        this.dir ??= mkdtempSync(path.join(this.tempDir, 'ck8s-kubeconform-'));
        writeFileSync(path.join(this.dir, staged), prepared.content);
        this.copies.set(staged, [file.displayPath]);
        this.stagedByDigest.set(contentKey, staged);
      }
    }
    if (prepared.problems.length === 0) this.preparedByDigest.set(key, staged);
  }

  /**
   * One kubeconform run in strict mode over the staged files: unknown fields are errors, and so is
   * a kind without a schema (never `-ignore-missing-schemas`: an unchecked resource must not pass
   * as valid). The problems found while preparing are reported with kubeconform's.
   * @throws Error when kubeconform cannot run or fails without reporting resource results
   */
  async validate(props: KubeconformRunProps): Promise<ValidationResult> {
    const version = parseKubernetesVersion(props.kubernetesVersion).full;
    if (props.schemaLocations.length === 0) throw new Error('schemaLocations is empty; pass at least one kubeconform -schema-location');
    const workers = props.workers ?? os.availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be a positive integer, got ${workers}`);
    const problems = [...this.problems];
    if (this.dir === undefined) return { resources: 0, problems: problems.sort(compareProblems) };

    // -verbose lists valid resources too, so each copy of a file counts its resources
    const args = ['-strict', '-summary', '-verbose', '-output', 'json', '-kubernetes-version', version, '-n', String(workers)];
    for (const location of props.schemaLocations) args.push('-schema-location', location);
    // The folder, not a file list: no command-line length limit, and reported paths are relative to it.
    args.push('.');
    const run = await runTool(props.kubeconform, args, this.dir);
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
      const files = this.copies.get(relative) ?? [resource.filename];
      resources += files.length;
      if (resource.status !== 'statusInvalid' && resource.status !== 'statusError') continue;
      for (const message of problemMessages(resource))
        for (const file of files) problems.push({ file, kind: resource.kind, name: resource.name, message });
    }
    const { valid, invalid, errors, skipped } = report.summary;
    if (report.resources.length !== valid + invalid + errors + skipped)
      throw new Error(`kubeconform listed ${report.resources.length} resources but counted ${valid + invalid + errors + skipped}: ${detail()}`);
    return { resources, problems: problems.sort(compareProblems) };
  }

  /** Removes the staged files; the stage can take no more. */
  dispose(): void {
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
  }
}
