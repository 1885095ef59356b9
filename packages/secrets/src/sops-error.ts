/** Thrown when the sops binary fails; the message says what went wrong in ck8s terms. */
export class SopsError extends Error {
  /** Exit code of sops, undefined when it could not be started or was stopped. */
  public readonly exitCode: number | undefined;
  /** What sops printed on stderr (never contains plaintext: sops reports keys and files, not values). */
  public readonly stderr: string;

  constructor(message: string, exitCode: number | undefined, stderr: string) {
    super(message);
    this.name = 'SopsError';
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}
