/** Severity at or above which Harbor refuses to serve an image (`registry.blockSeverity`). */
export type BlockSeverity = 'critical' | 'high' | 'medium' | 'low';

/** A tenant of a workload cluster that pulls from this registry: it gets a project. */
export interface RegistryTenant {
  readonly cluster: string;
  readonly tenant: string;
  /** Identity-provider groups that administer the project. */
  readonly adminGroups: readonly string[];
  /** Identity-provider groups that may pull. */
  readonly viewGroups: readonly string[];
}

export interface RegistryConfigurationProps {
  /** The registry's host. */
  readonly host: string;
  /** Names the registry's cluster in the robots' descriptions. */
  readonly clusterName: string;
  readonly tenants: readonly RegistryTenant[];
  /** Pulls of images with findings at or above this severity are refused. @default 'high' */
  readonly blockSeverity?: BlockSeverity;
  /** Robot accounts for CI, allowed to push to every tenant project. @default none */
  readonly robotAccounts?: readonly string[];
}

/** Harbor's project roles by name, as the members API numbers them. */
export const HARBOR_ROLES = { projectAdmin: 1, developer: 2, guest: 3, maintainer: 4 } as const;
export type HarborRole = keyof typeof HARBOR_ROLES;

/** Group type of an OIDC group in Harbor's members API (1 LDAP, 2 HTTP, 3 OIDC). */
export const HARBOR_OIDC_GROUP_TYPE = 3;

/** The body of `POST /api/v2.0/projects`; Harbor's project metadata values are strings. */
export interface HarborProjectRequest {
  readonly project_name: string;
  readonly public: false;
  readonly metadata: {
    readonly public: 'false';
    /** Scan on push with Trivy. */
    readonly auto_scan: 'true';
    /** Refuse pulls of images with vulnerabilities at or above `severity`. */
    readonly prevent_vul: 'true';
    readonly severity: BlockSeverity;
  };
}

/** The body of `POST /api/v2.0/projects/{project}/members` for an identity-provider group. */
export interface HarborGroupMember {
  readonly role_id: number;
  readonly member_group: { readonly group_name: string; readonly group_type: typeof HARBOR_OIDC_GROUP_TYPE };
}

/** One tenant's project: where it comes from, the project request and its group members. */
export interface TenantProject {
  readonly cluster: string;
  readonly tenant: string;
  readonly project: HarborProjectRequest;
  /** The tenant's `adminGroups` as project admins, its `viewGroups` as guests (pull only). */
  readonly members: readonly HarborGroupMember[];
}

/** The body of `POST /api/v2.0/robots`: a system robot account with rights in several projects. */
export interface HarborRobotRequest {
  /** Harbor shows it as `robot$<name>`. */
  readonly name: string;
  readonly description: string;
  readonly level: 'system';
  /** Days; -1 never expires (rotate the secret with `PATCH /api/v2.0/robots/{id}`). */
  readonly duration: number;
  readonly disable: false;
  readonly permissions: readonly {
    readonly kind: 'project';
    readonly namespace: string;
    readonly access: readonly { readonly resource: 'repository'; readonly action: 'push' | 'pull' }[];
  }[];
}

/** What Harbor's API must hold for this platform; see the Registry component for how it is applied. */
export interface RegistryConfiguration {
  /** The registry's host, the prefix of every tenant image (`<host>/<project>/<image>:<tag>`). */
  readonly registry: string;
  readonly projects: readonly TenantProject[];
  readonly robots: readonly HarborRobotRequest[];
}

/**
 * The projects and robot accounts of a service cluster's registry, deterministic (projects sorted by
 * name): one private project `<cluster>-<tenant>` per tenant of the workload clusters that pull
 * from this registry, scanned on push and refusing pulls of images with vulnerabilities at or
 * above `blockSeverity`; one system robot per robot account with push and pull on every one of
 * those projects (for CI).
 *
 * @throws Error when a robot account is listed twice
 */
export function registryConfiguration(props: RegistryConfigurationProps): RegistryConfiguration {
  const severity = props.blockSeverity ?? 'high';
  const projects = props.tenants
    .map((tenant): TenantProject => ({
      cluster: tenant.cluster,
      tenant: tenant.tenant,
      project: {
        project_name: `${tenant.cluster}-${tenant.tenant}`,
        public: false,
        metadata: { public: 'false', auto_scan: 'true', prevent_vul: 'true', severity },
      },
      members: [
        ...[...tenant.adminGroups].sort().map((g) => member(g, 'projectAdmin')),
        ...[...tenant.viewGroups].sort().map((g) => member(g, 'guest')),
      ],
    }))
    .sort((a, b) => a.project.project_name.localeCompare(b.project.project_name));

  const robotAccounts = props.robotAccounts ?? [];
  const duplicate = robotAccounts.find((name, i) => robotAccounts.indexOf(name) !== i);
  if (duplicate) throw new Error(`registry: robot account "${duplicate}" is listed twice`);
  const robots = robotAccounts.map((name): HarborRobotRequest => ({
    name,
    description: `ck8s: push and pull in every tenant project of ${props.clusterName}`,
    level: 'system',
    duration: -1,
    disable: false,
    permissions: projects.map((p) => ({
      kind: 'project',
      namespace: p.project.project_name,
      access: [
        { resource: 'repository', action: 'push' },
        { resource: 'repository', action: 'pull' },
      ],
    })),
  }));
  return { registry: props.host, projects, robots };
}

function member(group: string, role: HarborRole): HarborGroupMember {
  return { role_id: HARBOR_ROLES[role], member_group: { group_name: group, group_type: HARBOR_OIDC_GROUP_TYPE } };
}
