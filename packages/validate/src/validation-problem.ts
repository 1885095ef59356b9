import type { PreparedManifest } from './prepare-manifest.js';

/** One YAML file to validate, as the caller wants it named in problems. */
export interface ManifestFile {
  /** How problems name the file, e.g. `clusters/dev/apps/web.yaml`; unique within one call. */
  readonly displayPath: string;
  /** The file's text: one or more YAML documents. */
  readonly content: string;
  /**
   * The file as prepareManifest made it, when the caller prepared it already (to read each file
   * once for its own checks too). @default prepared from content
   */
  readonly prepared?: PreparedManifest;
}

/** One reason a resource (or a whole file) failed validation. */
export interface ValidationProblem {
  /** The file's displayPath. */
  readonly file: string;
  /** The resource's kind; empty when the problem is not about one resource (e.g. invalid YAML). */
  readonly kind: string;
  /** The resource's metadata.name; empty when unknown. */
  readonly name: string;
  /** What is wrong, starting lowercase, e.g. `/spec/replicas: got string, want integer`. */
  readonly message: string;
}

export interface ValidationResult {
  /** Resources kubeconform checked (valid or not); empty documents do not count. */
  readonly resources: number;
  /** Every problem found, sorted by file, kind, name and message; empty when all is valid. */
  readonly problems: readonly ValidationProblem[];
}
