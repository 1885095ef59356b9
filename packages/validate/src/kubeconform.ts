import { type KubeconformRunProps, ManifestStage } from './manifest-stage.js';
import type { ManifestFile, ValidationResult } from './validation-problem.js';

export interface ValidateManifestsProps extends KubeconformRunProps {
  /** The YAML files to validate; a file may hold many documents. */
  readonly files: readonly ManifestFile[];
  /** Folder in which the files are staged (in a fresh subfolder, removed afterwards). @default the OS temp folder */
  readonly tempDir?: string;
}

/**
 * Validates Kubernetes manifests with one kubeconform run in strict mode (see ManifestStage):
 * files are staged in a temporary folder, removed afterwards, and files with the same text are
 * read and validated once.
 * @throws Error when kubeconform cannot run or fails without reporting resource results
 */
export async function validateManifests(props: ValidateManifestsProps): Promise<ValidationResult> {
  const stage = new ManifestStage({ ...(props.tempDir ? { tempDir: props.tempDir } : {}) });
  try {
    for (const file of props.files) stage.add(file);
    return await stage.validate(props);
  } finally {
    stage.dispose();
  }
}
