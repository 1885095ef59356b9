/** One problem in an input file, located by its field path. */
export interface ConfigProblem {
  /** The file, relative to the repository root where possible. */
  readonly file: string;
  /** The field path, e.g. `tenants[1].name`. */
  readonly path: string;
  /** What is wrong and what is allowed, starting lowercase. */
  readonly message: string;
}

/** Thrown when one or more input files are invalid; carries every problem found, not just the first. */
export class ConfigError extends Error {
  public readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.file}: ${problem.path}: ${problem.message}`;
}
