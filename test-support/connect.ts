// Shared by the packages' tests of single components: derives their NetworkPolicies the way a
// cluster's profile does, with stand-ins for the roles other components play.
import {
  type ClusterNetwork,
  Component,
  componentsOf,
  deriveNetworkPolicies,
  type PlatformRole,
  POD_SECURITY_VERSION_CONTEXT,
  type Pods,
} from '@ck8s/core';
import { App } from 'cdk8s';
import type { Construct } from 'constructs';

/** Prometheus as the stand-in plays the scraper role (the real one is the metrics stack's). */
export const TEST_SCRAPER: Pods = { name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
/** The ingress controller as the stand-in plays it (the real one is the ingress package's). */
export const TEST_INGRESS_CONTROLLER: Pods = {
  name: 'ingress-controller',
  namespace: 'ingress-nginx',
  labels: { 'app.kubernetes.io/name': 'nginx-ingress', 'app.kubernetes.io/instance': 'nginx-ingress' },
};

/** The network block of a test cluster. */
export const TEST_NETWORK: ClusterNetwork = {
  file: 'clusters/test/cluster.yaml',
  apiServer: { cidrs: ['10.0.0.1/32'], port: 6443 },
  serviceClusterCidrs: ['192.0.2.10/32'],
  objectStorageCidrs: ['198.51.100.0/24'],
  isServiceCluster: false,
};

/** An app whose namespaces pin Pod Security to `version`, as a profile sets it for its cluster. */
export function testApp(version = 'v1.33'): App {
  const app = new App();
  app.node.setContext(POD_SECURITY_VERSION_CONTEXT, version);
  return app;
}

const STAND_INS: Readonly<Record<PlatformRole, Pods>> = { scraper: TEST_SCRAPER, 'ingress-controller': TEST_INGRESS_CONTROLLER };

/** Plays the scraper and ingress-controller roles (or the given ones) for a component under test. */
export class RolePlayers extends Component {
  constructor(scope: Construct, roles: readonly PlatformRole[] = ['scraper', 'ingress-controller']) {
    super(scope, 'role-players', { layer: 'controllers' });
    for (const role of roles) this.provideRole(role, STAND_INS[role]);
  }
}

/**
 * Derives the NetworkPolicies of every component below `scope`, as a cluster's profile does after
 * composing them. Stand-ins play every role unless `roles` is false (the component under test plays
 * them itself) or lists the roles they play (the others are the component's own).
 */
export function connect(
  scope: Construct,
  options: { readonly network?: Partial<ClusterNetwork>; readonly roles?: boolean | readonly PlatformRole[] } = {},
): void {
  const roles = options.roles ?? true;
  if (roles !== false) new RolePlayers(scope, roles === true ? undefined : roles);
  deriveNetworkPolicies(componentsOf(scope), { ...TEST_NETWORK, ...options.network });
}
