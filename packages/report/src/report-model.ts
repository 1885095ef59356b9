/**
 * Everything the fleet report shows. `ck8s report` gathers it from the repository; renderReport
 * turns it into HTML without reading anything else, so the same model always gives the same page.
 */
export interface FleetReportModel {
  /** Heading and document title. @default 'ck8s fleet report' */
  readonly title?: string;
  /** The commit the report describes; its date is the only date on the page. @default none: the page says there is no git history */
  readonly revision?: ReportRevision;
  /** Clusters in the order they are shown. */
  readonly clusters: readonly ClusterReport[];
  /** Problems `ck8s validate` found; the page says when there are none. */
  readonly problems: readonly ReportProblem[];
  readonly changes: RecentChanges;
}

/** The commit of the repository the report was made from. */
export interface ReportRevision {
  readonly sha: string;
  /** Committer date, ISO 8601 with offset as git prints it. */
  readonly date: string;
  /** The working tree differs from the commit under the reported folders. @default false */
  readonly uncommittedChanges?: boolean;
}

/** One cluster: its settings, what runs in it and how it complies. */
export interface ClusterReport {
  readonly name: string;
  /** workload or service. */
  readonly profile: string;
  readonly environment: string;
  /** Customer or organisation the cluster is run for (cluster.yaml `customer`). @default none */
  readonly customer?: string;
  readonly kubernetesVersion: string;
  readonly domain: string;
  /** The service cluster a workload cluster ships its evidence to. @default none */
  readonly serviceCluster?: string;
  /** Generated components: one per file of the output folders, in layer order. */
  readonly components: readonly ComponentReport[];
  /** Every control, passed or failed, in report order. */
  readonly controls: readonly ControlReport[];
  /** Documented exceptions to policies, each with its reason. */
  readonly exceptions: readonly PolicyExceptionReport[];
  /** sops-encrypted Secrets committed in the output: names only, never values. */
  readonly secrets: readonly SecretReport[];
  /** Who can read what: each identity-provider group's grants, from the generated RBAC and log store roles. @default none */
  readonly access?: readonly AccessReport[];
}

/** One grant of one identity-provider group, as the generated output gives it. */
export interface AccessReport {
  /** The group, as the identity provider names it (without the API server's `oidc:` prefix). */
  readonly group: string;
  /** What it may do: a Kubernetes role, or a log store role with the indices it reads. */
  readonly grant: string;
  /** Where: a namespace, `cluster-wide`, or `log store`. */
  readonly scope: string;
  /** Further limits, e.g. the log store's document-level security query. @default none */
  readonly limit?: string;
  /** The generated file that holds it. */
  readonly source: string;
}

/** One generated file: a component of the platform. */
export interface ComponentReport {
  /** Output folder: a Flux layer (flux-system, controllers, ...) or node. */
  readonly layer: string;
  /** Component name (the file name without .yaml). */
  readonly name: string;
  /** Path relative to the repository root. */
  readonly file: string;
  /** How many objects of each kind the file holds, sorted by kind. */
  readonly kinds: readonly KindCount[];
  /** Upstream Helm charts the component installs; empty for plain generated objects. */
  readonly charts: readonly ChartReport[];
}

export interface KindCount {
  readonly kind: string;
  readonly count: number;
}

/** A Flux HelmRelease, or an Argo CD Helm-source Application, and the chart version it pins. */
export interface ChartReport {
  /** `namespace/name` of the HelmRelease; of the release an Application installs (destination namespace and release name). */
  readonly release: string;
  readonly chart: string;
  readonly version: string;
  /** Helm repository or OCI URL the chart comes from. */
  readonly repository: string;
  /** What the chart is, from charts/catalog.yaml. @default none */
  readonly description?: string;
  /** The version charts/catalog.yaml pins, when it differs from the generated one (the output needs a synth). @default none */
  readonly catalogVersion?: string;
}

/** The result of one control on one cluster. */
export interface ControlReport {
  /** Stable id, e.g. CK8S-NET-001. */
  readonly id: string;
  readonly title: string;
  /** weakened: nothing failed, but a rule behind the control only warns or audits (see `weakened`). */
  readonly status: 'pass' | 'weakened' | 'fail';
  /** CIS Kubernetes Benchmark recommendations. */
  readonly cis: readonly string[];
  /** NSA-CISA Kubernetes Hardening Guide sections. */
  readonly nsa: readonly string[];
  /** Kubescape control ids. */
  readonly kubescape: readonly string[];
  /** What was wrong; empty when the control passes. */
  readonly findings: readonly string[];
  /** The objects that evidence the control (`file: Kind namespace/name`). */
  readonly evidence: readonly string[];
  /** Configured exceptions that weaken the control, with their reasons. */
  readonly exceptions: readonly string[];
  /** Rules behind the control that do not deny anywhere, with what they do instead and why. @default none */
  readonly weakened?: readonly WeakenedRuleReport[];
}

/** An admission rule enforced below deny. */
export interface WeakenedRuleReport {
  /** The policy, e.g. `ck8s-image-tag`. */
  readonly policy: string;
  /** warn or audit. */
  readonly enforcement: string;
  readonly reason: string;
}

/** A documented exception to a policy. */
export interface PolicyExceptionReport {
  readonly namespace: string;
  /** The rule that does not apply, e.g. an admission rule id or `pod-security: privileged`. */
  readonly rule: string;
  readonly reason: string;
  /** Where the exception is declared, relative to the repository root. */
  readonly source: string;
}

/** A committed Secret, by name only. */
export interface SecretReport {
  readonly namespace: string;
  readonly name: string;
  readonly file: string;
  /** The file carries sops metadata (its values are encrypted). */
  readonly encrypted: boolean;
}

/** A problem `ck8s validate` reported. */
export interface ReportProblem {
  /** The check that found it: synth, schema, secrets, drift or control. */
  readonly check: string;
  readonly file: string;
  /** `Kind/name` of the object or the control id. @default none */
  readonly object?: string;
  readonly message: string;
}

/** The latest commits that touched the reported folders. */
export interface RecentChanges {
  /** Folders the history covers, relative to the repository root. */
  readonly paths: readonly string[];
  /** How many commits were asked for at most. */
  readonly limit: number;
  /** Commits, newest first. */
  readonly commits: readonly ChangeCommit[];
  /** Why there is no history (not a git repository, git missing); the section says so. @default none: the history was read */
  readonly unavailable?: string;
}

export interface ChangeCommit {
  readonly sha: string;
  readonly author: string;
  /** Author date, ISO 8601 with offset as git prints it. */
  readonly date: string;
  readonly subject: string;
}
