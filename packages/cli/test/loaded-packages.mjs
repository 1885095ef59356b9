// Preloaded with `node --import` by cli.test.ts: records the package of every module the process
// imports into the file named by CK8S_LOADED_PACKAGES (requires inside CommonJS packages are not seen).
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
const out = process.env.CK8S_LOADED_PACKAGES;
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const url = result.url;
  const m = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url) ?? /\\/packages\\/([^/]+)\\/(?:dist|src)\\//.exec(url);
  if (m) appendFileSync(out, (url.includes('/node_modules/') ? m[1] : '@ck8s/' + m[1]) + '\\n');
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
