import { App } from 'cdk8s';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { find, flows as allFlows, type K8sObject } from '../../../test-support/manifests.js';
import { type ClusterNetwork, Component, componentsOf, ConfigError, deriveNetworkPolicies, type Flow, type Pods } from '../src/index.js';

const network: ClusterNetwork = {
  file: 'clusters/x/cluster.yaml',
  apiServer: { cidrs: ['10.0.0.1/32'], port: 6443 },
  serviceClusterCidrs: ['192.0.2.10/32'],
  objectStorageCidrs: ['198.51.100.0/24'],
  isServiceCluster: false,
};

const web: Pods = { name: 'web', namespace: 'shop', labels: { app: 'web' } };
const db: Pods = { name: 'db', namespace: 'data', labels: { app: 'db' } };
const controller: Pods = { name: 'ingress-controller', namespace: 'edge', labels: { app: 'controller' } };

/** A component that owns namespaces and declares the given flows. */
class Part extends Component {
  constructor(scope: Construct, id: string, props: { namespaces?: string[]; flows?: Flow[]; role?: Pods }) {
    super(scope, id, { layer: 'controllers' });
    for (const name of props.namespaces ?? []) this.addNamespace({ name });
    for (const flow of props.flows ?? []) this.addFlow(flow);
    if (props.role) this.provideRole('ingress-controller', props.role);
  }
}

/** The derived rules only: not the namespaces' own default deny and DNS egress. */
function flows(objects: readonly K8sObject[], options: { namespaces?: boolean } = {}): string[] {
  return allFlows(objects, options).filter((f) => !/ (default-deny|allow-dns-egress): /.test(` ${f}`));
}

function derive(parts: (app: App) => void, net: Partial<ClusterNetwork> = {}) {
  const app = new App();
  parts(app);
  deriveNetworkPolicies(componentsOf(app), { ...network, ...net });
  return Object.fromEntries(componentsOf(app).map((c) => [c.componentName, c.toJson()]));
}

describe('deriveNetworkPolicies', () => {
  it('opens a flow between pods on both sides, each in the declaring component', () => {
    const out = derive((app) => {
      new Part(app, 'data', { namespaces: ['data'] });
      new Part(app, 'shop', { namespaces: ['shop'], flows: [{ from: web, to: db, ports: [{ port: 5432 }] }] });
    });
    expect(flows(out.shop!, { namespaces: true })).toEqual([
      'data allow-db-from-web: app=db <- shop[app=web] :5432',
      'shop allow-web-to-db: app=web -> data[app=db] :5432',
    ]);
  });

  it('writes no rule into a namespace no component owns', () => {
    const out = derive((app) => new Part(app, 'shop', { namespaces: ['shop'], flows: [{ from: web, to: db, ports: [{ port: 5432 }] }] }));
    expect(flows(out.shop!, { namespaces: true })).toEqual(['shop allow-web-to-db: app=web -> data[app=db] :5432']);
  });

  it('names a set of pods talking to itself by its name', () => {
    const out = derive((app) => new Part(app, 'data', { namespaces: ['data'], flows: [{ from: db, to: db, ports: [{ port: 9300 }] }] }));
    expect(flows(out.data!).filter((f) => f.includes('internal'))).toEqual([
      'allow-db-internal-egress: app=db -> data[app=db] :9300',
      'allow-db-internal-ingress: app=db <- data[app=db] :9300',
    ]);
  });

  it('starts a flow from a role at the component that plays it, one egress rule per target namespace with every port', () => {
    const out = derive((app) => {
      new Part(app, 'edge', { namespaces: ['edge'], role: controller });
      new Part(app, 'shop', { namespaces: ['shop'], flows: [{ from: { role: 'ingress-controller' }, to: web, ports: [{ port: 8080 }] }] });
      new Part(app, 'data', {
        namespaces: ['data'],
        flows: [{ from: { role: 'ingress-controller' }, to: db, ports: [{ port: 443 }, { port: 80 }] }],
      });
    });
    expect(flows(out.edge!)).toEqual([
      'allow-ingress-controller-to-data: app=controller -> data[*] :80,443',
      'allow-ingress-controller-to-shop: app=controller -> shop[*] :8080',
    ]);
    expect(find(out.shop!, 'NetworkPolicy', 'allow-web-from-ingress-controller').spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { app: 'controller' } } },
        ],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
  });

  it('opens nothing for a role nobody plays', () => {
    const out = derive(
      (app) => new Part(app, 'shop', { namespaces: ['shop'], flows: [{ from: { role: 'scraper' }, to: web, ports: [{ port: 9090 }] }] }),
    );
    expect(flows(out.shop!)).toEqual([]);
  });

  it('resolves peers outside the cluster from the network block, and names what is missing', () => {
    const out = derive(
      (app) =>
        new Part(app, 'shop', {
          namespaces: ['shop'],
          flows: [
            { from: web, to: { peer: 'api-server' } },
            { from: web, to: { peer: 'object-storage', endpoint: 'https://minio.example.com:9000' } },
            { from: web, to: { peer: 'service-cluster' } },
          ],
        }),
    );
    expect(flows(out.shop!)).toEqual([
      'allow-web-to-api-server: app=web -> 10.0.0.1/32 :6443',
      'allow-web-to-object-storage: app=web -> 198.51.100.0/24 :9000',
      'allow-web-to-service-cluster: app=web -> 192.0.2.10/32 :443',
    ]);
    expect(() => derive((app) => new Part(app, 'shop', { flows: [{ from: web, to: { peer: 'api-server' } }] }), { apiServer: undefined })).toThrow(
      ConfigError,
    );
    expect(() => derive((app) => new Part(app, 'shop', { flows: [{ from: web, to: { peer: 'api-server' } }] }), { apiServer: undefined })).toThrow(
      'clusters/x/cluster.yaml: network.apiServer: is required: shop must reach the Kubernetes API server (set cidrs and port), or switch the component off',
    );
  });

  it("leads the service cluster's own addresses to its ingress controller pods inside the service cluster", () => {
    const out = derive(
      (app) => {
        new Part(app, 'edge', { namespaces: ['edge'], role: controller });
        new Part(app, 'shop', { namespaces: ['shop'], flows: [{ from: web, to: { peer: 'identity-provider' } }] });
      },
      { isServiceCluster: true },
    );
    expect(flows(out.shop!).filter((f) => f.includes('identity'))).toEqual([
      'allow-web-to-identity-provider: app=web -> edge[app=controller] 192.0.2.10/32 :443',
    ]);
  });

  it('needs a name and ports for the internet, and refuses two rules of one name', () => {
    expect(() =>
      derive((app) => new Part(app, 'shop', { flows: [{ from: web, to: { peer: 'internet', reason: 'x' }, ports: [{ port: 443 }] }] })),
    ).toThrow('a flow to or from the internet must be named (x)');
    expect(() => derive((app) => new Part(app, 'shop', { flows: [{ from: web, to: { peer: 'internet', reason: 'x' }, name: 'allow-x' }] }))).toThrow(
      'must name its ports (x)',
    );
    expect(() =>
      derive((app) => {
        new Part(app, 'a', { flows: [{ from: web, to: { peer: 'api-server' } }] });
        new Part(app, 'b', { flows: [{ from: web, to: { peer: 'api-server' } }] });
      }),
    ).toThrow('network policy shop/allow-web-to-api-server is derived twice (components a and b); name the flows apart');
  });
});
