import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

/** The `yaml` package's API. */
export type YamlPackage = typeof Yaml;

let loaded: YamlPackage | undefined;

/**
 * The `yaml` package, loaded on first use. Readers of valid files use js-yaml's fast path
 * (loadYamlDocuments); the `yaml` package is what reports a bad file with line and column, and
 * loading it costs a short command (`ck8s secrets check`) a tenth of its start, so only a
 * command that meets such a file pays for it. Loaded by `require` (the package is also CommonJS)
 * because the readers that fall back to it are synchronous.
 */
export function yamlPackage(): YamlPackage {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlPackage;
  return loaded;
}
