/** Where a command reads and writes; tests pass their own to run the CLI in-process. */
export interface CliIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input. */
  readonly readStdin: () => Promise<string>;
  /**
   * Asks the person at the terminal; undefined when nobody is there (no TTY, CI, tests), so
   * commands that could ask fail instead, naming the flags that were missing.
   * @default an interactive prompt when standard input and output are terminals
   */
  readonly prompt?: (question: PromptQuestion) => Promise<string>;
}

/** One question of an interactive command. */
export interface PromptQuestion {
  readonly message: string;
  /** Offered answer, taken on Enter. */
  readonly default?: string;
  /** Allowed answers; shown as a list to pick from. */
  readonly choices?: readonly string[];
  /** Hide the typed answer (passwords, tokens). */
  readonly secret?: boolean;
}

export function processIo(): CliIo {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !process.env.CI;
  return {
    ...(interactive ? { prompt: terminalPrompt } : {}),
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

async function terminalPrompt(question: PromptQuestion): Promise<string> {
  // loaded on demand: only interactive runs need it
  const { input, password, select } = await import('@inquirer/prompts');
  if (question.secret) return password({ message: question.message, mask: true });
  if (question.choices)
    return select({
      message: question.message,
      choices: question.choices.map((value) => ({ value })),
      ...(question.default ? { default: question.default } : {}),
    });
  return input({ message: question.message, ...(question.default ? { default: question.default } : {}) });
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
