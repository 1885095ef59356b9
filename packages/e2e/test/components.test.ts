import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ClusterLayout, apiserverArgs, controllerManagerArgs, fakeNode, kubeconfig, kwokArgs, sourceControllerArgs } from '../src/components.js';

const layout: ClusterLayout = {
  dataDir: '/data',
  serviceClusterIpRange: '10.96.0.0/16',
  ports: {
    etcdClient: 1,
    etcdPeer: 2,
    apiserver: 3,
    controllerManager: 4,
    scheduler: 5,
    kwok: 6,
    sourceStorage: 7,
    sourceMetrics: 8,
    sourceHealth: 9,
    kustomizeMetrics: 10,
    kustomizeHealth: 11,
    helmMetrics: 12,
    helmHealth: 13,
    registry: 14,
  },
};

describe('component command lines', () => {
  it('runs kube-apiserver on 127.0.0.1 with token auth, Node+RBAC and service account keys', () => {
    expect(apiserverArgs(layout)).toEqual(
      expect.arrayContaining([
        '--etcd-servers=http://127.0.0.1:1',
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        '--secure-port=3',
        '--cert-dir=/data/apiserver',
        '--token-auth-file=/data/pki/tokens.csv',
        '--authorization-mode=Node,RBAC',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--service-account-signing-key-file=/data/pki/sa.key',
        '--service-account-key-file=/data/pki/sa.pub',
      ]),
    );
    // no admission plugin is switched off
    expect(apiserverArgs(layout).some((a) => a.startsWith('--disable-admission-plugins'))).toBe(false);
  });

  it('runs kube-controller-manager without leader election, signing service account tokens', () => {
    expect(controllerManagerArgs(layout)).toEqual(
      expect.arrayContaining([
        '--leader-elect=false',
        '--use-service-account-credentials=true',
        '--root-ca-file=/data/pki/ca.crt',
        '--service-account-private-key-file=/data/pki/sa.key',
      ]),
    );
    // a late heartbeat of kwok must not make the fake node and its pods NotReady for good
    expect(controllerManagerArgs(layout)).toContain('--node-monitor-grace-period=10m');
  });

  it('lets kwok manage annotated nodes only and advertises source-controller storage on 127.0.0.1', () => {
    expect(kwokArgs(layout)).toContain('--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake');
    expect(sourceControllerArgs(layout)).toEqual(
      expect.arrayContaining(['--storage-addr=127.0.0.1:7', '--storage-adv-addr=127.0.0.1:7', '--enable-leader-election=false']),
    );
  });

  it('writes a kubeconfig with the CA and the admin token', () => {
    const config = parse(kubeconfig('https://127.0.0.1:3', 'PEM', 'secret'));
    expect(config.clusters[0].cluster).toEqual({
      server: 'https://127.0.0.1:3',
      'certificate-authority-data': Buffer.from('PEM').toString('base64'),
    });
    expect(config.users[0].user).toEqual({ token: 'secret' });
    expect(config['current-context']).toBe('e2e');
  });

  it('describes an untainted fake node with room for pods', () => {
    const node = fakeNode('n0');
    expect(node.metadata.annotations['kwok.x-k8s.io/node']).toBe('fake');
    expect(node.spec).toEqual({});
    expect(fakeNode('n1', { taint: true }).spec.taints).toEqual([{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }]);
  });
});
