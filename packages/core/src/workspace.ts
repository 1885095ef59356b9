import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from './config/zod.js';
import { ConfigError } from './config/config-error.js';
import { issuesToProblems } from './config/load-cluster-config.js';
import { parseYamlFile } from './config/yaml-file.js';
import { urlCredentialProblems } from './config/url-credentials.js';
import { DEFAULT_MAINTENANCE, type MaintenanceSettings, maintenanceSettingsSchema } from './maintenance-window.js';
import { RepositoryLayout, SETTINGS_FILE } from './repository-layout.js';

const settingsSchema = z.strictObject({
  validation: z
    .strictObject({
      schemaMirror: z.string().min(1).optional(),
      schemaLocations: z.array(z.string().min(1)).min(1).optional(),
    })
    .default({}),
  charts: z
    .strictObject({
      mirror: z.string().min(1).optional(),
    })
    .default({}),
  audit: z
    .strictObject({
      requireSignedCommits: z.boolean().default(false),
      // a plain branch name, so it can be looked up as refs/heads/<name> and refs/remotes/origin/<name>
      mainBranch: z
        .string()
        .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]+(?<![./])$/, {
          message: 'is not a git branch name (letters, digits, ".", "_", "-" and "/")',
        })
        .default('main'),
    })
    .prefault({}),
  maintenance: maintenanceSettingsSchema.prefault({}),
});

export interface WorkspaceSettings {
  readonly validation: {
    /**
     * Folder laid out like a schema mirror (`kubernetes/v1.X.0/_definitions.json`, `crds/<group>/<kind>_<version>.json`),
     * relative to the repository root. @default none: kubeconform's remote locations
     */
    readonly schemaMirror?: string;
    /** kubeconform `-schema-location` values used as they are. @default kubeconform's default plus the public CRDs catalog */
    readonly schemaLocations?: readonly string[];
  };
  /** Where the render verification (`ck8s validate --render`) gets charts. */
  readonly charts: {
    /**
     * A chart mirror for air-gapped use: a folder of `<chart>-<version>.tgz` (relative to the
     * repository root) or a Helm repository URL serving them. @default each chart's own repository
     */
    readonly mirror?: string;
  };
  /** What `ck8s audit` checks in the history of clusters/. */
  readonly audit: {
    /** Flag every change whose commit (or the merge that brought it in) has no good signature (`git log --format=%G?` is not G). @default false */
    readonly requireSignedCommits: boolean;
    /** The protected branch whose first-parent history is the audit trail. @default 'main' */
    readonly mainBranch: string;
  };
  /**
   * The maintenance window of production clusters: `ck8s validate --window` refuses chart and Kubernetes
   * version changes that land outside it, renovate.json's schedule follows it. @default Wednesday 07:00–12:00
   * Europe/Stockholm, major updates on the first Wednesday, environment production
   */
  readonly maintenance: MaintenanceSettings;
}

/** The repository with its settings (ck8s.config.yaml): where clusters, secrets and the chart catalog live. */
export class Workspace extends RepositoryLayout {
  /** Finds the repository root by walking up from `start` to the folder holding ck8s.config.yaml. */
  static override find(start: string = process.cwd()): Workspace {
    return new Workspace(RepositoryLayout.find(start).root);
  }

  public readonly settings: WorkspaceSettings;

  /**
   * @param env environment that may override settings: `CK8S_CHART_MIRROR` (charts.mirror), `CK8S_SCHEMA_MIRROR` (a folder) or
   * `CK8S_SCHEMA_LOCATIONS` (comma-separated kubeconform locations), e.g. for a CI runner whose
   * mirror lives elsewhere. @default process.env
   */
  constructor(root: string, env: NodeJS.ProcessEnv = process.env) {
    super(root);
    const file = path.join(root, SETTINGS_FILE);
    let settings: WorkspaceSettings = {
      validation: {},
      charts: {},
      audit: { requireSignedCommits: false, mainBranch: 'main' },
      maintenance: DEFAULT_MAINTENANCE,
    };
    if (existsSync(file)) {
      const parsed = parseYamlFile(readFileSync(file, 'utf8'), SETTINGS_FILE);
      if (parsed.problems.length > 0) throw new ConfigError(parsed.problems);
      const result = settingsSchema.safeParse(parsed.data ?? {});
      const credentials = urlCredentialProblems(
        parsed.data,
        SETTINGS_FILE,
        () =>
          'Use a schema mirror that needs no credentials, or give the locations with credentials to CI only, in the CK8S_SCHEMA_LOCATIONS variable (a CI secret).',
      );
      const problems = [...credentials, ...(result.success ? [] : issuesToProblems(result.error.issues, parsed.data, SETTINGS_FILE, settingsSchema))];
      if (problems.length > 0 || !result.success) throw new ConfigError(problems);
      settings = result.data;
    }
    // the variables replace the schema settings only; the rest of the file still applies
    if (env.CK8S_SCHEMA_LOCATIONS)
      settings = {
        ...settings,
        validation: {
          schemaLocations: env.CK8S_SCHEMA_LOCATIONS.split(',')
            .map((l) => l.trim())
            .filter(Boolean),
        },
      };
    else if (env.CK8S_SCHEMA_MIRROR) settings = { ...settings, validation: { schemaMirror: path.resolve(env.CK8S_SCHEMA_MIRROR) } };
    if (env.CK8S_CHART_MIRROR)
      settings = {
        ...settings,
        charts: { mirror: /^(https?|oci):\/\//.test(env.CK8S_CHART_MIRROR) ? env.CK8S_CHART_MIRROR : path.resolve(env.CK8S_CHART_MIRROR) },
      };
    this.settings = settings;
  }
}
