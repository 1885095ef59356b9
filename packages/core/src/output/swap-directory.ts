import { spawnSync } from 'node:child_process';
import { accessSync, constants, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** ck8s' own helper that swaps two paths in one system call, built by `npm run setup` from tools/ck8s-rename-exchange. */
export const RENAME_EXCHANGE_TOOL = 'ck8s-rename-exchange';

/** Why a swap could not be done: `code` is the errno name (ENOENT, EXDEV, ...) when the system gave one. */
export class SwapError extends Error {
  constructor(
    message: string,
    public readonly code?: string,
  ) {
    super(message);
    this.name = 'SwapError';
  }
}

export interface SwapDirectoryOptions {
  /** Runs after the swap with the old folder (then at `staged`) before it is deleted. @default none */
  readonly beforeRemove?: (oldDir: string) => void;
}

/**
 * Puts a fully written folder `staged` at `target` in one step and removes what was there:
 * readers (git, kubeconform, an editor) and a crash at any moment see the whole old or the whole
 * new folder at `target`, never a missing or half-moved one. An existing target is swapped with
 * `staged` by one `renameat2(RENAME_EXCHANGE)` (Linux) or `renamex_np(RENAME_SWAP)` (macOS) through
 * the ck8s-rename-exchange helper (Node has no binding); a missing target is created by one rename.
 * The old folder is then at `staged`, under its scratch name, and is deleted; if the process dies
 * first, the next run removes it. Both paths must be on one filesystem.
 * @throws SwapError naming both paths when the swap fails (nothing changed then)
 */
export function swapDirectory(staged: string, target: string, options: SwapDirectoryOptions = {}): void {
  try {
    renameSync(staged, target);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // the target exists (as a folder with content): swap instead
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
  }
  exchangePaths(staged, target);
  try {
    options.beforeRemove?.(staged);
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
}

/**
 * Exchanges two existing paths atomically.
 * @throws SwapError when the helper is missing, the filesystem cannot swap, or a path does not exist
 */
export function exchangePaths(a: string, b: string): void {
  const helper = findRenameExchange(path.dirname(b));
  const result = spawnSync(helper, [a, b], { encoding: 'utf8' });
  if (result.error)
    throw new SwapError(
      `cannot swap ${b}: ${helper} could not be started (${(result.error as NodeJS.ErrnoException).code ?? result.error.message}); run \`npm run setup\``,
    );
  if (result.status === 0) return;
  const [code, ...rest] = result.stderr.trim().split(': ');
  const why = rest.join(': ') || result.stderr.trim() || `exit ${result.status}`;
  if (result.status === 3) {
    throw new SwapError(
      `cannot swap ${b} in one step: the filesystem does not support it (${why}); keep the repository on a local filesystem such as ext4, xfs, btrfs, tmpfs or APFS`,
      code,
    );
  }
  throw new SwapError(`cannot swap ${a} and ${b}: ${why}`, code);
}

/**
 * The helper: in `.tools/bin` of the repository holding `start` (or of the ck8s installation
 * itself), else on PATH.
 * @throws SwapError saying how to build it
 */
export function findRenameExchange(start: string): string {
  const candidates: string[] = [];
  for (const from of [path.resolve(start), path.dirname(fileURLToPath(import.meta.url))]) {
    for (let dir = from; ; dir = path.dirname(dir)) {
      candidates.push(path.join(dir, '.tools', 'bin', RENAME_EXCHANGE_TOOL));
      if (path.dirname(dir) === dir) break;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) candidates.push(path.join(dir, RENAME_EXCHANGE_TOOL));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next place
    }
  }
  throw new SwapError(
    `${RENAME_EXCHANGE_TOOL} not found in .tools/bin or on PATH; run \`npm run setup\` (it builds the helper from tools/${RENAME_EXCHANGE_TOOL} with go build)`,
  );
}
