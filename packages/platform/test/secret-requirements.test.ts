import { BASIC_AUTH_SECRET, Component, ConfigError, type ExtraFile, toYamlStream } from '@ck8s/core';
import { BASIC_AUTH_SECRET_ANNOTATION } from '@ck8s/ingress';
import { ApiObject, App } from 'cdk8s';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { basicAuthSecretProblems, checkSecretRequirements, requiredSecretProblems } from '../src/index.js';

/** A component that serves an endpoint behind basic auth and declares its htpasswd Secret, as the metrics stack does. */
class Guarded extends Component {
  constructor(scope: Construct, id: string, props: { readonly declare: boolean }) {
    super(scope, id, { layer: 'platform' });
    if (props.declare) {
      this.requireSecret({
        namespace: 'guarded',
        name: 'clients',
        keys: [BASIC_AUTH_SECRET.key],
        type: BASIC_AUTH_SECRET.type,
        purpose: 'htpasswd of its clients',
      });
    }
    new ApiObject(this, 'ingress', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'guarded', namespace: 'guarded', annotations: { [BASIC_AUTH_SECRET_ANNOTATION]: 'clients' } },
      spec: {},
    });
  }
}

/** A committed Secret as synth places it: the plaintext parts (type, key names) are all the checks read. */
function placed(fields: { type?: string; keys?: readonly string[] }): ExtraFile[] {
  const data = Object.fromEntries((fields.keys ?? [BASIC_AUTH_SECRET.key]).map((k) => [k, 'ENC[AES256_GCM,data:x,type:str]']));
  const doc = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'clients', namespace: 'guarded' },
    ...(fields.type ? { type: fields.type } : {}),
    data,
  };
  return [{ layer: 'platform', path: 'secrets/guarded.clients.sops.yaml', content: toYamlStream([doc]) }];
}

function app(declare: boolean): App {
  const a = new App();
  new Guarded(a, 'guarded', { declare });
  return a;
}

describe('the Secrets a cluster reads', () => {
  it("passes a component's htpasswd Secret committed with the controller's type and key", () => {
    expect(() => checkSecretRequirements(app(true), 'sc', placed({ type: 'nginx.org/htpasswd' }))).not.toThrow();
  });

  it('fails a required Secret of another type than the component declares, naming the file, the field and what is allowed', () => {
    for (const type of ['Opaque', undefined]) {
      expect(requiredSecretProblems(app(true), 'sc', placed({ ...(type ? { type } : {}) }))).toEqual([
        {
          file: 'secrets/sc/guarded.clients.sops.yaml',
          path: 'type',
          message:
            'is "Opaque", but guarded reads only a Secret of type nginx.org/htpasswd (htpasswd of its clients); allowed: nginx.org/htpasswd; ' +
            're-create it with `ck8s secrets set sc guarded/clients --replace --type nginx.org/htpasswd --from-file htpasswd=<file>`',
        },
      ]);
    }
    expect(requiredSecretProblems(app(true), 'sc', placed({ type: 'nginx.org/htpasswd', keys: ['auth'] })).map((p) => [p.path, p.message])).toEqual([
      ['data.htpasswd', 'is missing: guarded reads it (htpasswd of its clients)'],
    ]);
  });

  it('fails an Ingress whose basic-auth Secret is missing, of another type or without the htpasswd key, whoever declares it', () => {
    // nothing declares the Secret: only the Ingress names it
    const bare = app(false);
    expect(requiredSecretProblems(bare, 'sc', [])).toEqual([]);
    expect(basicAuthSecretProblems(bare, 'sc', [])).toEqual([
      {
        file: 'secrets/sc/guarded.clients.sops.yaml',
        path: '(file)',
        message:
          'is missing: Ingress guarded/guarded names it in nginx.org/basic-auth-secret, and the ingress controller refuses every client without it; ' +
          'create it with `ck8s secrets set sc guarded/clients --replace --type nginx.org/htpasswd --from-file htpasswd=<file>`',
      },
    ]);
    expect(basicAuthSecretProblems(bare, 'sc', placed({ type: 'Opaque', keys: ['auth'] })).map((p) => [p.path, p.message])).toEqual([
      [
        'type',
        'is "Opaque", but Ingress guarded/guarded names it in nginx.org/basic-auth-secret and the ingress controller reads only type nginx.org/htpasswd; ' +
          'allowed: nginx.org/htpasswd; re-create it with `ck8s secrets set sc guarded/clients --replace --type nginx.org/htpasswd --from-file htpasswd=<file>`',
      ],
      [
        'data.htpasswd',
        'is missing: Ingress guarded/guarded names the Secret in nginx.org/basic-auth-secret, and the ingress controller reads the htpasswd text from this key',
      ],
    ]);
    expect(basicAuthSecretProblems(bare, 'sc', placed({ type: 'nginx.org/htpasswd' }))).toEqual([]);
  });

  it('reports each file and field once, the component that reads it first', () => {
    let error: unknown;
    try {
      checkSecretRequirements(app(true), 'sc', placed({ type: 'Opaque' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => [p.file, p.path, p.message.slice(0, 40)])).toEqual([
      ['secrets/sc/guarded.clients.sops.yaml', 'type', 'is "Opaque", but guarded reads only a Se'],
    ]);
  });
});
