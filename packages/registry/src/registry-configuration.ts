import { type ClusterConfig, ConfigError, type Fleet } from '@ck8s/core';
import { registryHost } from './registry-endpoints.js';

/** Severity at or above which Harbor refuses to serve an image (`registry.blockSeverity`). */
export type BlockSeverity = ClusterConfig['registry']['blockSeverity'];

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
 * name): one private project `<cluster>-<tenant>` per tenant of every workload cluster whose
 * `serviceCluster` is this cluster, scanned on push and refusing pulls of images with
 * vulnerabilities at or above `registry.blockSeverity`; one system robot per `registry.robotAccounts`
 * entry with push and pull on every one of those projects (for CI).
 *
 * @throws Error when the cluster is not a service cluster
 * @throws ConfigError when a robot account is listed twice
 */
export function registryConfiguration(cluster: ClusterConfig, fleet: Fleet): RegistryConfiguration {
  if (cluster.profile !== 'service') {
    throw new Error(`registry: cluster "${cluster.name}" has profile "${cluster.profile}"; the registry and its projects live in the service cluster`);
  }
  const severity = cluster.registry.blockSeverity;
  const workloads = [...fleet.clusters.values()].filter((c) => c.profile === 'workload' && c.serviceCluster === cluster.name);
  const projects = workloads
    .flatMap((wc) =>
      wc.tenants.map(
        (tenant): TenantProject => ({
          cluster: wc.name,
          tenant: tenant.name,
          project: {
            project_name: `${wc.name}-${tenant.name}`,
            public: false,
            metadata: { public: 'false', auto_scan: 'true', prevent_vul: 'true', severity },
          },
          members: [
            ...[...tenant.adminGroups].sort().map((g) => member(g, 'projectAdmin')),
            ...[...tenant.viewGroups].sort().map((g) => member(g, 'guest')),
          ],
        }),
      ),
    )
    .sort((a, b) => a.project.project_name.localeCompare(b.project.project_name));

  const seen = new Map<string, number>();
  cluster.registry.robotAccounts.forEach((name, i) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new ConfigError([{ file: `clusters/${cluster.name}/cluster.yaml`, path: `registry.robotAccounts[${i}]`, message: `"${name}" is already registry.robotAccounts[${first}]; robot account names must be unique` }]);
    }
    seen.set(name, i);
  });
  const robots = cluster.registry.robotAccounts.map(
    (name): HarborRobotRequest => ({
      name,
      description: `ck8s: push and pull in every tenant project of ${cluster.name}`,
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
    }),
  );
  return { registry: registryHost(cluster), projects, robots };
}

function member(group: string, role: HarborRole): HarborGroupMember {
  return { role_id: HARBOR_ROLES[role], member_group: { group_name: group, group_type: HARBOR_OIDC_GROUP_TYPE } };
}
