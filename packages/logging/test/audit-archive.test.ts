import { describe, expect, it } from 'vitest';
import {
  AUDIT_ARCHIVE_CREDENTIAL_PLACEHOLDER,
  AUDIT_ARCHIVE_CREDENTIALS_SECRET,
  type AuditArchive,
  auditArchiveBucketPolicy,
  auditArchiveLifecycle,
  auditArchiveObjectLock,
  LogForwarder,
} from '../src/index.js';
import { connect, testApp } from '../../../test-support/connect.js';
import { find, type K8sObject } from '../../../test-support/manifests.js';
import { catalog, policyFlow, sections } from './fixtures.js';

const archive: AuditArchive = {
  endpoint: 'https://s3.example.com',
  bucket: 'ck8s-wc-audit-archive',
  region: 'eu-north-1',
  retentionDays: 30,
  writer: 'arn:aws:iam:::user/ck8s-wc-audit-writer',
};

function render(withArchive: boolean) {
  const app = testApp();
  const component = new LogForwarder(app, 'fluent-bit', {
    catalog,
    clusterName: 'wc',
    logStoreUrl: 'https://opensearch.sc.example.com',
    ...(withArchive ? { archive } : {}),
  });
  connect(app, { network: { serviceClusterCidrs: ['192.0.2.20/32'], objectStorageCidrs: ['198.51.100.0/24'] } });
  const objects: K8sObject[] = component.toJson();
  const values = find(objects, 'HelmRelease', 'fluent-bit').spec.values;
  return {
    component,
    objects,
    values,
    filters: sections(values.config.filters).map((s) => s.entries),
    outputs: sections(values.config.outputs).map((s) => s.entries),
  };
}

/** A request as S3 authorizes it: principal, action, resource ARN and the condition keys the request carries. */
interface Request {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string>;
}

/**
 * The decision of a bucket policy by the documented IAM rules, for the statements these policies
 * use: an explicit Deny wins, else an Allow allows, else the request is denied implicitly.
 */
function decide(policy: Record<string, unknown>, request: Request): 'allow' | 'explicit-deny' | 'implicit-deny' {
  const glob = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
  const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);
  const conditionHolds = (condition: Record<string, Record<string, string>> | undefined) =>
    Object.entries(condition ?? {}).every(([operator, entries]) =>
      Object.entries(entries).every(([key, expected]) => {
        const actual = request.context?.[key];
        if (operator === 'Null') return (actual === undefined) === (expected === 'true');
        // negated operators match a request without the key; the others do not
        if (operator === 'StringNotEquals') return actual === undefined || actual !== expected;
        if (actual === undefined) return false;
        if (operator === 'Bool') return actual === expected;
        if (operator === 'NumericLessThan') return Number(actual) < Number(expected);
        throw new Error(`operator ${operator} is not modelled`);
      }),
    );
  const applies = (s: Record<string, unknown>) => {
    const principal = s.Principal === '*' || list((s.Principal as { AWS: unknown }).AWS).includes(request.principal);
    const action =
      s.Action !== undefined ? list(s.Action).some((a) => glob(a, request.action)) : !list(s.NotAction).some((a) => glob(a, request.action));
    const resource = list(s.Resource).some((r) => glob(r, request.resource));
    return principal && action && resource && conditionHolds(s.Condition as Record<string, Record<string, string>> | undefined);
  };
  const statements = (policy.Statement as Record<string, unknown>[]).filter(applies);
  if (statements.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return statements.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
}

describe('audit archive', () => {
  const policy = auditArchiveBucketPolicy(archive, 'wc');
  const writer = archive.writer;
  const object = 'arn:aws:s3:::ck8s-wc-audit-archive/wc/audit/2026/11/27/101500-abcdefgh.json.gz';
  const tls = { 'aws:SecureTransport': 'true' };

  it("lets the writer add objects under its cluster's prefix, over TLS, and nothing else", () => {
    expect(decide(policy, { principal: writer, action: 's3:PutObject', resource: object, context: tls })).toBe('allow');
    expect(decide(policy, { principal: writer, action: 's3:PutObject', resource: object, context: { 'aws:SecureTransport': 'false' } })).toBe(
      'explicit-deny',
    );
    // another cluster's prefix: not granted
    expect(decide(policy, { principal: writer, action: 's3:PutObject', resource: 'arn:aws:s3:::ck8s-wc-audit-archive/sc/x', context: tls })).toBe(
      'implicit-deny',
    );
  });

  it('denies the writer explicitly, whatever its key is granted elsewhere: delete, overwrite of versions, lock and bucket changes, reads', () => {
    const bucket = 'arn:aws:s3:::ck8s-wc-audit-archive';
    for (const [action, resource] of [
      ['s3:DeleteObject', object],
      ['s3:DeleteObjectVersion', object],
      ['s3:PutObjectRetention', object],
      ['s3:PutObjectLegalHold', object],
      ['s3:BypassGovernanceRetention', object],
      ['s3:GetObject', object],
      ['s3:PutBucketObjectLockConfiguration', bucket],
      ['s3:PutBucketVersioning', bucket],
      ['s3:PutLifecycleConfiguration', bucket],
      ['s3:PutBucketPolicy', bucket],
      ['s3:DeleteBucket', bucket],
      ['s3:ListBucketVersions', bucket],
    ] as const)
      expect(decide(policy, { principal: writer, action, resource, context: tls }), action).toBe('explicit-deny');
    // an upload that asks for a weaker lock than the bucket's compliance default is refused; asking for that lock is fine
    const upload = (lock: Record<string, string>) =>
      decide(policy, { principal: writer, action: 's3:PutObject', resource: object, context: { ...tls, ...lock } });
    expect(upload({ 's3:object-lock-mode': 'GOVERNANCE' })).toBe('explicit-deny');
    expect(upload({ 's3:object-lock-remaining-retention-days': '1' })).toBe('explicit-deny');
    expect(upload({ 's3:object-lock-mode': 'COMPLIANCE', 's3:object-lock-remaining-retention-days': '30' })).toBe('allow');
  });

  it('locks every object version in compliance mode for the retention, and expires it after', () => {
    expect(auditArchiveObjectLock(30)).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } });
    expect(auditArchiveObjectLock(400)).toMatchObject({ Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } } });
    const rule = (auditArchiveLifecycle(30).Rules as Record<string, unknown>[])[0]!;
    expect(rule).toMatchObject({ Status: 'Enabled', Expiration: { Days: 31 }, NoncurrentVersionExpiration: { NoncurrentDays: 31 } });
  });

  it("ships the audit log and Falco's events to the bucket with Fluent Bit's s3 output, PutObject with Content-MD5, keyed by cluster", () => {
    const { outputs, filters } = render(true);
    const s3 = outputs.find((o) => o.Name === 's3')!;
    expect(s3).toMatchObject({
      Alias: 'audit-archive',
      endpoint: 'https://s3.example.com',
      bucket: 'ck8s-wc-audit-archive',
      region: 'eu-north-1',
      use_put_object: 'On',
      send_content_md5: 'On',
      Retry_Limit: 'False',
    });
    expect(s3.s3_key_format).toMatch(/^\/wc\/\$TAG\[0\]\//);
    const match = new RegExp(s3.Match_Regex!);
    expect(['audit.var.log.kubernetes.audit.audit.log', 'falco.events'].every((t) => match.test(t))).toBe(true);
    expect(match.test('kube.var.log.containers.app_team-a_app-1.log')).toBe(false);
    // Falco's events are copied (keep: true) from the Falco containers' logs, after the kubernetes filter merged the JSON
    const names = filters.map((f) => f.Name);
    const rewrite = filters.find((f) => f.Name === 'rewrite_tag')!;
    expect(names.indexOf('rewrite_tag')).toBeGreaterThan(names.indexOf('kubernetes'));
    expect(rewrite.Match).toBe('kube.var.log.containers.*_falco_falco-*.log');
    expect(rewrite.Rule).toBe("$log_processed['rule'] ^.+$ falco.events true");
  });

  it('reads a write-only key from its own sops Secret, which init fills with a placeholder, never the general object storage key', () => {
    const { component, values, objects } = render(true);
    const secret = component.requiredSecrets.find((s) => s.name === AUDIT_ARCHIVE_CREDENTIALS_SECRET)!;
    expect(secret).toMatchObject({ namespace: 'logging', keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] });
    const outside = () => {
      throw new Error('the archive must not use an outside credential');
    };
    expect(secret.generate!({ outside } as never)).toEqual({
      AWS_ACCESS_KEY_ID: AUDIT_ARCHIVE_CREDENTIAL_PLACEHOLDER,
      AWS_SECRET_ACCESS_KEY: AUDIT_ARCHIVE_CREDENTIAL_PLACEHOLDER,
    });
    expect(values.env).toEqual(
      expect.arrayContaining([
        { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: AUDIT_ARCHIVE_CREDENTIALS_SECRET, key: 'AWS_ACCESS_KEY_ID' } } },
        { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: AUDIT_ARCHIVE_CREDENTIALS_SECRET, key: 'AWS_SECRET_ACCESS_KEY' } } },
      ]),
    );
    expect(policyFlow(find(objects, 'NetworkPolicy', 'allow-fluent-bit-to-object-storage'))).toMatchObject({
      direction: 'egress',
      peers: ['198.51.100.0/24'],
      ports: ['443/TCP'],
    });
  });

  it('without an archive: no s3 output, no Falco copy, no archive Secret', () => {
    const { component, outputs, filters } = render(false);
    expect(outputs.map((o) => o.Name)).toEqual(['opensearch', 'opensearch']);
    expect(filters.map((f) => f.Name)).not.toContain('rewrite_tag');
    expect(component.requiredSecrets.map((s) => s.name)).not.toContain(AUDIT_ARCHIVE_CREDENTIALS_SECRET);
  });
});
