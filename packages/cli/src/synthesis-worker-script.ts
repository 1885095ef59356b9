import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The script of a synthesis worker thread, beside this module once built (the bundle's
 * `synth-worker.js`); undefined when running from the TypeScript sources, which a worker thread
 * cannot load: synth and validate then use one thread.
 */
export function synthesisWorkerScript(): URL | undefined {
  const script = new URL('./synth-worker.js', import.meta.url);
  return existsSync(fileURLToPath(script)) ? script : undefined;
}
