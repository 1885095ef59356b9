import { execFile } from 'node:child_process';

/** How a tool run ended. */
export interface ToolResult {
  /** undefined when it did not run to an exit (not found, killed, timed out). */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool to its end with Node's own child_process, `input` on its stdin (execa is not needed here). */
export function runTool(file: string, args: readonly string[], options: { readonly input?: string; readonly timeout: number }): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', timeout: options.timeout }, (error, stdout, stderr) => {
      if (!error) resolve({ exitCode: 0, stdout, stderr });
      else resolve({ exitCode: typeof error.code === 'number' ? error.code : undefined, stdout, stderr: stderr || error.message });
    });
    child.stdin?.end(options.input ?? '');
  });
}
