import * as https from 'node:https';
import { parseAllDocuments } from 'yaml';
import { waitUntil } from './wait.js';

/** A Kubernetes object as the API returns it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Names one object. `namespace` is required for namespaced kinds. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** A condition of `status.conditions`, as Kubernetes and Flux objects report them. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** An error answer of the API server; `message` is the server's own (e.g. an admission denial). */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    message: string,
    /** HTTP status, e.g. 403 for a denied admission, 404 for a missing object. */
    readonly status: number,
    /** The Status reason, e.g. `Forbidden`, `Invalid`, `NotFound`. */
    readonly reason: string | undefined,
  ) {
    super(message);
  }
}

export interface KubeClientOptions {
  /** API server URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** Bearer token of the user to act as. */
  token: string;
  /** PEM certificates that verify the API server's serving certificate. */
  ca: string;
  /** Field manager of server-side apply. @default 'ck8s-e2e' */
  fieldManager?: string;
  /** Text appended to the errors of timed-out waits, e.g. the tails of the controllers' logs. @default none */
  diagnostics?: () => string;
  /** Timeout of one request. @default 30_000 */
  requestTimeoutMs?: number;
  /** Act as this user and these groups (Impersonate-User/-Group headers; the token's user must be allowed to impersonate). @default none */
  impersonate?: { user: string; groups?: readonly string[] };
}

export interface RequestOptions {
  body?: unknown;
  /** @default 'application/json' when there is a body */
  contentType?: string;
  query?: Record<string, string | undefined>;
}

export interface ApplyOptions {
  /** Validate and admit only; nothing is stored (`dryRun=All`). @default false */
  dryRun?: boolean;
  /** Take over fields owned by other managers, as `kubectl apply --server-side --force-conflicts`. @default true */
  force?: boolean;
  /** Namespace of namespaced objects that name none. @default 'default' */
  namespace?: string;
}

export interface WaitForOptions {
  /** @default 60_000 */
  timeoutMs?: number;
  /** Describes the awaited state for the timeout error. @default a description of the predicate's target */
  what?: string;
}

interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

/**
 * A minimal Kubernetes API client over node:https (no dependency): discovery of kinds, server-side
 * apply, get, list, delete, create (with dry run, to exercise admission) and polling waits.
 */
export class KubeClient {
  private readonly agent: https.Agent;
  private readonly discovery = new Map<string, Map<string, ResourceInfo>>();
  private readonly fieldManager: string;

  constructor(private readonly options: KubeClientOptions) {
    this.agent = new https.Agent({ ca: options.ca, keepAlive: true, maxSockets: 8 });
    this.fieldManager = options.fieldManager ?? 'ck8s-e2e';
  }

  /** Closes idle connections; the client must not be used afterwards. */
  close(): void {
    this.agent.destroy();
  }

  /**
   * One API request; returns the parsed JSON answer.
   * @throws KubeApiError for answers of 400 and above, with the server's message
   */
  request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(path, this.options.server);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const headers: Record<string, string | string[]> = { authorization: `Bearer ${this.options.token}`, accept: 'application/json' };
    if (this.options.impersonate) {
      headers['impersonate-user'] = this.options.impersonate.user;
      if (this.options.impersonate.groups?.length) headers['impersonate-group'] = [...this.options.impersonate.groups];
    }
    if (body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise<T>((resolve, reject) => {
      const request = https.request(url, { method, headers, agent: this.agent, timeout: this.options.requestTimeoutMs ?? 30_000 }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          if (status >= 400) {
            const s = parsed as { message?: string; reason?: string } | undefined;
            reject(new KubeApiError(`${method} ${url.pathname}: ${status} ${s?.message ?? text.slice(0, 500)}`, status, s?.reason));
          } else {
            resolve(parsed as T);
          }
        });
      });
      request.on('timeout', () =>
        request.destroy(new Error(`${method} ${url.pathname}: no answer within ${this.options.requestTimeoutMs ?? 30_000}ms`)),
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /**
   * Server-side applies one or more objects (a multi-document YAML string, an object or a list), in
   * order, and returns them as stored. Apply CRDs and wait for them (`waitForCondition(ref,
   * 'Established')`) before objects of their kinds.
   */
  async apply(manifests: string | KubeObject | KubeObject[], options: ApplyOptions = {}): Promise<KubeObject[]> {
    const applied: KubeObject[] = [];
    for (const object of toObjects(manifests)) {
      const path = await this.objectPath(object.apiVersion, object.kind, object.metadata.name, this.namespaceFor(object, options.namespace));
      const result = await this.request<KubeObject>('PATCH', path, {
        body: object,
        contentType: 'application/apply-patch+yaml',
        query: { fieldManager: this.fieldManager, force: String(options.force ?? true), dryRun: options.dryRun ? 'All' : undefined },
      });
      applied.push(result);
    }
    return applied;
  }

  /**
   * Creates an object (POST). With `dryRun` the API server runs validation and every admission
   * plugin, policy and webhook, and stores nothing: the way to test that a policy denies an object.
   * @throws KubeApiError when the server refuses it; a denial by a ValidatingAdmissionPolicy has status 422 and carries the policy's message
   */
  async create(object: KubeObject, options: { dryRun?: boolean; namespace?: string } = {}): Promise<KubeObject> {
    const namespace = this.namespaceFor(object, options.namespace);
    const path = await this.objectPath(object.apiVersion, object.kind, undefined, namespace);
    return this.request<KubeObject>('POST', path, {
      body: object,
      query: { fieldManager: this.fieldManager, dryRun: options.dryRun ? 'All' : undefined },
    });
  }

  /** Patches an object with a JSON merge patch (RFC 7386), e.g. to set an annotation. */
  async patch(ref: ObjectRef, patch: unknown): Promise<KubeObject> {
    const path = await this.objectPath(ref.apiVersion, ref.kind, ref.name, ref.namespace);
    return this.request<KubeObject>('PATCH', path, {
      body: patch,
      contentType: 'application/merge-patch+json',
      query: { fieldManager: this.fieldManager },
    });
  }

  /** The object, or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return await this.request<KubeObject>('GET', await this.objectPath(ref.apiVersion, ref.kind, ref.name, ref.namespace));
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Objects of a kind, in one namespace or (without `namespace`) in all. */
  async list(apiVersion: string, kind: string, options: { namespace?: string; labelSelector?: string } = {}): Promise<KubeObject[]> {
    const path = await this.objectPath(apiVersion, kind, undefined, options.namespace, true);
    const result = await this.request<{ items?: KubeObject[] }>('GET', path, { query: { labelSelector: options.labelSelector } });
    // list items carry no apiVersion and kind
    return (result.items ?? []).map((item) => ({ ...item, apiVersion, kind }));
  }

  /** Deletes an object; false when it did not exist. Does not wait for finalizers: see waitForDeletion(). */
  async delete(ref: ObjectRef, options: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' } = {}): Promise<boolean> {
    try {
      await this.request('DELETE', await this.objectPath(ref.apiVersion, ref.kind, ref.name, ref.namespace), {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: options.propagationPolicy ?? 'Background' },
      });
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return false;
      throw e;
    }
  }

  /**
   * Polls the object until predicate(object) is true, and returns the object (undefined when the
   * predicate accepted its absence).
   * @throws WaitTimeoutError quoting the object's last conditions and the client's diagnostics
   */
  async waitFor(
    ref: ObjectRef,
    predicate: (object: KubeObject | undefined) => boolean,
    options: WaitForOptions = {},
  ): Promise<KubeObject | undefined> {
    let last: KubeObject | undefined;
    const found = await waitUntil(
      async () => {
        last = await this.get(ref);
        return predicate(last) ? { object: last } : undefined;
      },
      {
        what: `${describe(ref)} ${options.what ?? 'to reach the expected state'}`,
        timeoutMs: options.timeoutMs ?? 60_000,
        intervalMs: 250,
        details: () => [last ? `last seen: ${summarize(last)}` : 'last seen: not found', this.options.diagnostics?.() ?? ''].join('\n'),
      },
    );
    return found.object;
  }

  /** Waits until `status.conditions` has the condition with the status (Flux's Ready, a CRD's Established, a Pod's Ready...). */
  async waitForCondition(ref: ObjectRef, type = 'Ready', options: WaitForOptions & { status?: string } = {}): Promise<KubeObject> {
    const status = options.status ?? 'True';
    const object = await this.waitFor(ref, (o) => conditionsOf(o).some((c) => c.type === type && c.status === status), {
      ...options,
      what: options.what ?? `to have condition ${type}=${status}`,
    });
    return object as KubeObject;
  }

  /** Waits until the object is gone (including its finalizers). */
  async waitForDeletion(ref: ObjectRef, options: WaitForOptions = {}): Promise<void> {
    await this.waitFor(ref, (o) => o === undefined, { ...options, what: options.what ?? 'to be deleted' });
  }

  /** The API path of a kind (and object), found by discovery; refreshed once when a kind is unknown, e.g. a CRD just installed. */
  async objectPath(apiVersion: string, kind: string, name?: string, namespace?: string, allNamespaces = false): Promise<string> {
    const resource = await this.resource(apiVersion, kind);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let path = base;
    if (resource.namespaced) {
      if (namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
      else if (!allNamespaces) throw new Error(`${kind}${name ? ` ${name}` : ''} is namespaced: give a namespace`);
    }
    path += `/${resource.plural}`;
    if (name) path += `/${encodeURIComponent(name)}`;
    return path;
  }

  private async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const cached = this.discovery.get(apiVersion)?.get(kind);
    if (cached) return cached;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list: { resources?: { name: string; kind: string; namespaced: boolean }[] };
    try {
      list = await this.request('GET', base);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404)
        throw new KubeApiError(`the server does not serve ${apiVersion} (is its CRD installed and established?)`, 404, 'NotFound');
      throw e;
    }
    const kinds = new Map<string, ResourceInfo>();
    for (const r of list.resources ?? []) if (!r.name.includes('/')) kinds.set(r.kind, { plural: r.name, namespaced: r.namespaced });
    this.discovery.set(apiVersion, kinds);
    const found = kinds.get(kind);
    if (!found) throw new KubeApiError(`the server has no kind ${kind} in ${apiVersion}`, 404, 'NotFound');
    return found;
  }

  private namespaceFor(object: KubeObject, fallback: string | undefined): string | undefined {
    return object.metadata.namespace ?? fallback ?? 'default';
  }
}

/** The objects of a multi-document YAML string (empty documents skipped), an object or a list. */
export function toObjects(manifests: string | KubeObject | KubeObject[]): KubeObject[] {
  if (typeof manifests !== 'string') return Array.isArray(manifests) ? manifests : [manifests];
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(manifests)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as KubeObject | null;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || !value.apiVersion || !value.kind || !value.metadata?.name) {
      throw new Error(`not a Kubernetes object (needs apiVersion, kind and metadata.name): ${JSON.stringify(value).slice(0, 200)}`);
    }
    objects.push(value);
  }
  return objects;
}

/** `status.conditions` of an object; empty when it has none. */
export function conditionsOf(object: KubeObject | undefined): Condition[] {
  const status = object?.status as { conditions?: Condition[] } | undefined;
  return Array.isArray(status?.conditions) ? status.conditions : [];
}

function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function summarize(object: KubeObject): string {
  const conditions = conditionsOf(object).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
  const phase = (object.status as { phase?: string } | undefined)?.phase;
  return [phase ? `phase ${phase}` : '', conditions.length > 0 ? `conditions ${conditions.join('; ')}` : 'no conditions'].filter(Boolean).join(', ');
}
