import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importKubernetesSchemas,
  type ManifestFile,
  ManifestStage,
  prepareManifest,
  validateManifests,
  type ValidationResult,
} from '../src/index.js';
import { definitions133, kubeconformBinary, mirrorLocations, tempDir } from './support.js';

let schemasDir: string;
let kubeconform: string;

beforeAll(() => {
  kubeconform = kubeconformBinary();
  schemasDir = tempDir('schemas');
  importKubernetesSchemas({ definitionsFile: definitions133, outDir: schemasDir, kubernetesVersion: '1.33.0', variants: ['standalone-strict'] });
});

afterAll(() => {
  rmSync(schemasDir, { recursive: true, force: true });
});

function validate(files: readonly ManifestFile[]): Promise<ValidationResult> {
  return validateManifests({ files, kubernetesVersion: '1.33.0', schemaLocations: mirrorLocations(schemasDir), kubeconform });
}

function one(content: string, displayPath = 'clusters/dev/apps/manifest.yaml'): Promise<ValidationResult> {
  return validate([{ displayPath, content }]);
}

function deployment(containerExtra = '', replicas = '2'): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 8080
              name: http
${containerExtra}`;
}

describe('validateManifests with the real kubeconform', () => {
  it('accepts a valid Deployment', async () => {
    const result = await one(deployment());
    expect(result).toEqual({ resources: 1, problems: [] });
  });

  it('gives every copy of a file its own problems and resource count', async () => {
    const bad = `${deployment('          imagePullPolicyy: Always\n')}---\n${deployment().replace('name: web\n  namespace', 'name: other\n  namespace')}`;
    const result = await validate([
      { displayPath: 'clusters/a/apps/web.yaml', content: bad },
      { displayPath: 'clusters/b/apps/web.yaml', content: bad },
      { displayPath: 'clusters/c/apps/web.yaml', content: deployment() },
      { displayPath: 'clusters/d/apps/web.yaml', content: bad },
    ]);
    expect(result.resources).toBe(7);
    expect(result.problems.map((p) => `${p.file} ${p.kind}/${p.name}`)).toEqual([
      'clusters/a/apps/web.yaml Deployment/web',
      'clusters/b/apps/web.yaml Deployment/web',
      'clusters/d/apps/web.yaml Deployment/web',
    ]);
    expect(new Set(result.problems.map((p) => p.message)).size).toBe(1);
  });

  it('stages each distinct text once, as files are added, and drops the stage on dispose', async () => {
    // validate adds a large fleet's files cluster by cluster and keeps none of their texts: the stage is on disk
    const dir = tempDir('stage');
    const stage = new ManifestStage({ tempDir: dir });
    const encrypted = `${deployment()}sops:\n    mac: ENC[AES256_GCM,data:x]\n    version: 3.11.0\n`;
    for (const cluster of ['a', 'b', 'c']) {
      stage.add({ displayPath: `clusters/${cluster}/apps/web.yaml`, content: deployment() });
      // its sops block cut, the same text as the others: staged once
      stage.add({ displayPath: `clusters/${cluster}/apps/web-copy.yaml`, content: encrypted });
      stage.add({ displayPath: `clusters/${cluster}/apps/other.yaml`, content: deployment('', cluster === 'c' ? '3' : '2') });
    }
    const [staged] = readdirSync(dir);
    expect(readdirSync(path.join(dir, staged!)).sort()).toEqual(['0-web.yaml', '8-other.yaml']);
    const result = await stage.validate({ kubernetesVersion: '1.33.0', schemaLocations: mirrorLocations(schemasDir), kubeconform });
    expect(result).toEqual({ resources: 9, problems: [] });
    stage.dispose();
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks the file as the caller prepared it, without preparing it again', async () => {
    // the caller read the file already and cut a wrong field: kubeconform sees what it was given
    const wrong = deployment('          imagePullPolicyy: Always\n');
    const prepared = prepareManifest({ displayPath: 'x', content: deployment() });
    const result = await validate([{ displayPath: 'clusters/a/apps/web.yaml', content: wrong, prepared }]);
    expect(result).toEqual({ resources: 1, problems: [] });
  });

  it('rejects an unknown field in strict mode and names the field', async () => {
    const result = await one(deployment('          imagePullPolicyy: Always\n'));
    expect(result.resources).toBe(1);
    expect(result.problems).toEqual([
      {
        file: 'clusters/dev/apps/manifest.yaml',
        kind: 'Deployment',
        name: 'web',
        message: "/spec/template/spec/containers/0: additional properties 'imagePullPolicyy' not allowed",
      },
    ]);
  });

  it('rejects an unknown top-level field', async () => {
    const result = await one(`${deployment()}extra: true\n`);
    expect(result.problems.map((p) => p.message)).toEqual(["/: additional properties 'extra' not allowed"]);
  });

  it('rejects a wrong type and says what was expected', async () => {
    const result = await one(deployment('', '"three"'));
    expect(result.problems.map((p) => p.message)).toEqual(['/spec/replicas: got string, want null or integer']);
  });

  it('reports every wrong field of a resource, not only the first', async () => {
    const result = await one(deployment('          imagePullPolicyy: Always\n', '"three"'));
    // Sorted by message, so the order does not depend on kubeconform's workers.
    expect(result.problems.map((p) => p.message)).toEqual([
      '/spec/replicas: got string, want null or integer',
      "/spec/template/spec/containers/0: additional properties 'imagePullPolicyy' not allowed",
    ]);
  });

  it('accepts both forms of an int-or-string port and rejects a boolean', async () => {
    const service = (targetPort: string, name: string): string => `---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: ${targetPort}
`;
    const valid = await one(service('8080', 'numeric') + service('http', 'named'));
    expect(valid).toEqual({ resources: 2, problems: [] });

    const invalid = await one(service('true', 'boolean'));
    expect(invalid.problems).toHaveLength(1);
    expect(invalid.problems[0]!.message).toMatch(
      /^\/spec\/ports\/0\/targetPort: 'oneOf' failed, none matched \(got boolean, want string; got boolean, want integer; got boolean, want null\)$/,
    );
  });

  it('accepts null in optional fields, as charts render them, and rejects null in a required field', async () => {
    // What `helm template` prints for an unset annotations map, a subPath and a securityContext.
    const rendered = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: search
  namespace: apps
  annotations: null
spec:
  serviceName: search
  selector:
    matchLabels:
      app: search
  template:
    metadata:
      labels:
        app: search
      annotations: null
    spec:
      initContainers:
        - name: configfile
          image: busybox:1.37
          securityContext: null
          volumeMounts:
            - name: config
              mountPath: /config
              subPath: null
      containers:
        - name: search
          image: nginx:1.27
      volumes:
        - name: config
          emptyDir: {}
`;
    expect(await one(rendered)).toEqual({ resources: 1, problems: [] });

    // `containers` and a volume mount's `mountPath` are required: null is not "unset" there.
    const missingRequired = await one(
      rendered.replace('mountPath: /config', 'mountPath: null').replace(/ {6}containers:\n(.*\n){2}/, '      containers: null\n'),
    );
    expect(missingRequired.problems.map((p) => p.message)).toEqual([
      '/spec/template/spec/containers: got null, want array',
      '/spec/template/spec/initContainers/0/volumeMounts/0/mountPath: got null, want string',
    ]);
  });

  it('validates Flux HelmRelease v2 and Kustomization v1 against the mirror CRDs', async () => {
    const flux = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ingress-nginx
  namespace: ingress-nginx
spec:
  interval: 30m
  releaseName: ingress-nginx
  chart:
    spec:
      chart: ingress-nginx
      version: 4.11.3
      sourceRef:
        kind: HelmRepository
        name: ingress-nginx
  values:
    controller:
      replicaCount: 2
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: platform
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/dev/platform
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  decryption:
    provider: sops
    secretRef:
      name: sops-age
  dependsOn:
    - name: controllers
`;
    expect(await one(flux)).toEqual({ resources: 2, problems: [] });

    // The CRD schemas are really applied: a typo in a Flux field is caught.
    const typo = await one(flux.replace('prune: true', 'prune: true\n  prunee: true'));
    expect(typo.problems).toEqual([
      {
        file: 'clusters/dev/apps/manifest.yaml',
        kind: 'Kustomization',
        name: 'platform',
        message: "/spec: additional properties 'prunee' not allowed",
      },
    ]);
  });

  it('reports a kind without a schema as an error instead of skipping it', async () => {
    const result = await one(`apiVersion: example.com/v1
kind: Widget
metadata:
  name: gadget
spec:
  size: 3
`);
    expect(result.resources).toBe(1);
    expect(result.problems).toEqual([
      {
        file: 'clusters/dev/apps/manifest.yaml',
        kind: 'Widget',
        name: 'gadget',
        message: 'could not find schema for Widget (example.com/v1) in any schema location',
      },
    ]);
  });

  it('validates a sops-encrypted Secret: the sops block is dropped, the ENC values stay', async () => {
    const secret = `apiVersion: v1
kind: Secret
metadata:
  name: registry-credentials
  namespace: apps
type: Opaque
data:
  password: ENC[AES256_GCM,data:hVQ2DCvv,iv:Cy1i/3bS+TQ9fDjQ2OXcMfdq7bMpvo0vgrP27Z4SqoM=,tag:H6rRhf/wyLWU1VKsx0ne2A==,type:str]
stringData:
  username: ENC[AES256_GCM,data:3L1EJQ==,iv:Xz9kYQmB1QvUB7zJ1k5KZw2dHq1V2t6BpGS4fQe6VDc=,tag:2t7+8w1YjgqIxWc3rkm0hw==,type:str]
sops:
  age:
    - recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBhYmMK
        -----END AGE ENCRYPTED FILE-----
  lastmodified: "2025-01-01T00:00:00Z"
  mac: ENC[AES256_GCM,data:abcd,iv:efgh,tag:ijkl,type:str]
  unencrypted_suffix: _unencrypted
  version: 3.13.3
`;
    expect(await one(secret, 'secrets/dev/registry-credentials.yaml')).toEqual({ resources: 1, problems: [] });
    // Dropping only the sops block keeps strict mode on for the rest of the object.
    const tampered = await one(secret.replace('type: Opaque', 'type: Opaque\ntypo: x'), 'secrets/dev/registry-credentials.yaml');
    expect(tampered.problems.map((p) => p.message)).toEqual(["/: additional properties 'typo' not allowed"]);
  });

  it('finds the generated schemas under the names kubeconform looks up', async () => {
    const result = await one(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: apps
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: require-team-label
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [deployments]
  validations:
    - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
      message: deployments need a team label
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
`);
    expect(result).toEqual({ resources: 3, problems: [] });
  });

  it('checks apiVersion against the kind: a kind under the wrong group has no schema', async () => {
    const result = await one(`apiVersion: apps/v1
kind: NetworkPolicy
metadata:
  name: misplaced
spec:
  podSelector: {}
`);
    expect(result.problems.map((p) => p.message)).toEqual(['could not find schema for NetworkPolicy (apps/v1) in any schema location']);
  });

  it('maps problems back to each display path and counts resources over all files', async () => {
    const result = await validate([
      { displayPath: 'clusters/dev/a.yaml', content: deployment() },
      { displayPath: 'clusters/dev/nested/b.yaml', content: deployment('', '"x"') },
      { displayPath: '../outside/c.yml', content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndatum: {}\n` },
      { displayPath: 'no-extension', content: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n` },
    ]);
    expect(result.resources).toBe(4);
    expect(result.problems).toEqual([
      { file: '../outside/c.yml', kind: 'ConfigMap', name: 'c', message: "/: additional properties 'datum' not allowed" },
      { file: 'clusters/dev/nested/b.yaml', kind: 'Deployment', name: 'web', message: '/spec/replicas: got string, want null or integer' },
    ]);
  });

  it('skips empty documents and reports documents that are not objects', async () => {
    // Documents: 1 empty (only a comment), 2 the Deployment, 3 a list, 4 empty.
    const result = await one(`---\n# just a comment\n---\n${deployment()}---\n- not\n- an object\n---\n`);
    expect(result.resources).toBe(1);
    expect(result.problems).toEqual([
      { file: 'clusters/dev/apps/manifest.yaml', kind: '', name: '', message: 'document 3 is not a Kubernetes object (a YAML mapping)' },
    ]);
  });

  it('reports invalid YAML without running kubeconform on it', async () => {
    const result = await validate([
      { displayPath: 'broken.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nkind: Secret\n' },
      { displayPath: 'empty.yaml', content: '' },
    ]);
    expect(result.resources).toBe(0);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message).toMatch(/^invalid yaml: map keys must be unique/i);
  });

  it('removes its temporary folder, also when kubeconform fails', async () => {
    const parent = tempDir('staging');
    try {
      const files = [{ displayPath: 'a.yaml', content: deployment() }];
      await validateManifests({ files, kubernetesVersion: '1.33', schemaLocations: mirrorLocations(schemasDir), kubeconform, tempDir: parent });
      expect(readdirSync(parent)).toEqual([]);
      await expect(
        validateManifests({ files, kubernetesVersion: '1.33', schemaLocations: ['{{ .Broken'], kubeconform, tempDir: parent }),
      ).rejects.toThrow(/kubeconform failed \(exit code 1\).*failed initialising schema location registry/);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('throws a clear error when the kubeconform binary is missing', async () => {
    const missing = path.join(schemasDir, 'no-such-kubeconform');
    expect(existsSync(missing)).toBe(false);
    await expect(
      validateManifests({
        files: [{ displayPath: 'a.yaml', content: deployment() }],
        kubernetesVersion: '1.33.0',
        schemaLocations: ['default'],
        kubeconform: missing,
      }),
    ).rejects.toThrow(`could not run kubeconform at ${missing}`);
  });

  it('rejects duplicate display paths and a bad kubernetes version', async () => {
    const file = { displayPath: 'a.yaml', content: deployment() };
    await expect(validate([file, file])).rejects.toThrow('file a.yaml is given twice');
    await expect(validateManifests({ files: [file], kubernetesVersion: 'latest', schemaLocations: ['default'], kubeconform })).rejects.toThrow(
      'invalid kubernetes version "latest"',
    );
  });
});
