import type { CelEnv, CelInput, CelResult } from '@bufbuild/cel';
import { celLibrary } from './cel-library.js';

/** A compiled expression: evaluates against bindings and returns errors as values, never throwing. */
export type CelProgram = (bindings: Record<string, CelInput>) => CelResult;

/**
 * Compiles CEL expressions once and keeps them: the same few dozen expressions run against every
 * object of a manifest folder. A compile error is kept too and returned as the evaluation result, so
 * a broken expression is a violation (as under failurePolicy Fail) rather than a crash.
 */
export class CelPrograms {
  private celEnv: CelEnv | undefined;
  private readonly programs = new Map<string, CelProgram>();

  /** The program for `expression`, compiled on first use. */
  get(expression: string): CelProgram {
    let program = this.programs.get(expression);
    if (!program) {
      program = this.compile(expression);
      this.programs.set(expression, program);
    }
    return program;
  }

  /** Why `expression` does not compile, or undefined when it does. */
  compileError(expression: string): string | undefined {
    try {
      const { plan, parse } = celLibrary().cel;
      plan(this.env, parse(expression));
      return undefined;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  /** The CEL environment, made on first use (with the library). */
  private get env(): CelEnv {
    this.celEnv ??= celLibrary().cel.celEnv({ funcs: celLibrary().ext.strings });
    return this.celEnv;
  }

  private compile(expression: string): CelProgram {
    const { celError, parse, plan } = celLibrary().cel;
    let evaluate: (bindings: Record<string, CelInput>) => CelResult;
    try {
      evaluate = plan(this.env, parse(expression));
    } catch (e) {
      const error = celError(`invalid cel expression "${expression}": ${e instanceof Error ? e.message : String(e)}`);
      return () => error;
    }
    return (bindings) => {
      try {
        return evaluate(bindings);
      } catch (e) {
        // Programs report errors as values; this only keeps a library bug from escaping.
        return celError(e);
      }
    };
  }
}
