// Preloaded with `node --import` by cli.test.ts: records what the process imports into the file
// named by CK8S_LOADED_PACKAGES, one line each: the package of a module (`cdk8s`, `@ck8s/core`)
// or, for the bundled CLI, `bundle:<chunk file>`. Requires inside CommonJS packages are not seen.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
const out = process.env.CK8S_LOADED_PACKAGES;
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const url = result.url;
  const bundled = /\\/packages\\/cli\\/dist\\/bundle\\/([^/]+)$/.exec(url);
  const dependency = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url);
  const workspace = /\\/packages\\/([^/]+)\\/(?:dist|src)\\//.exec(url);
  const name = bundled ? 'bundle:' + bundled[1] : dependency ? dependency[1] : workspace ? '@ck8s/' + workspace[1] : undefined;
  if (name) appendFileSync(out, name + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
