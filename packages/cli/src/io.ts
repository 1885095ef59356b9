/** Where a command reads and writes; tests pass their own to run the CLI in-process. */
export interface CliIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input. */
  readonly readStdin: () => Promise<string>;
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** A failure the user caused and can fix; printed without a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure whose details the command has already printed; only the exit status remains. */
export class ReportedFailure extends Error {
  override readonly name = 'ReportedFailure';
  constructor(public readonly exitCode: number = 1) {
    super('failure already reported');
  }
}
