import { createRequire } from 'node:module';
import type * as Cel from '@bufbuild/cel';
import type * as CelExtensions from '@bufbuild/cel/ext';

let loaded: { readonly cel: typeof Cel; readonly ext: typeof CelExtensions } | undefined;

/**
 * @bufbuild/cel, required on first use (evaluation is synchronous): synth and validate load the
 * policy package but never evaluate, and CEL with its protobuf runtime is the costliest library to
 * load. Every value of the evaluator comes from this one copy, so its errors are recognised.
 */
export function celLibrary(): { readonly cel: typeof Cel; readonly ext: typeof CelExtensions } {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = { cel: require('@bufbuild/cel') as typeof Cel, ext: require('@bufbuild/cel/ext') as typeof CelExtensions };
  }
  return loaded;
}
