/** Alias of Fluent Bit's s3 output that archives audit logs and Falco events (the `name` label of its metrics). */
export const AUDIT_ARCHIVE_OUTPUT = 'audit-archive';

/** sops Secret in the logging namespace with the archive writer's write-only object storage key. */
export const AUDIT_ARCHIVE_CREDENTIALS_SECRET = 'fluent-bit-archive-credentials';

/** Environment variables of the archive key: the names the AWS credential chain of Fluent Bit's s3 output reads. */
export const AUDIT_ARCHIVE_ENV = { accessKeyId: 'AWS_ACCESS_KEY_ID', secretAccessKey: 'AWS_SECRET_ACCESS_KEY' } as const;

/**
 * What `ck8s init` writes into the credentials Secret. The platform cannot mint a key that may only
 * write (the object store's administrator does, for the writer principal of the bucket policy), and
 * the onboarding's general object storage key may delete, so it must not be reused here: the
 * placeholder makes the archive fail visibly (alert AuditArchiveFailing) until the real key is set.
 */
export const AUDIT_ARCHIVE_CREDENTIAL_PLACEHOLDER = 'replace-with-the-archive-writer-key';

/** Where a cluster archives its audit log and Falco events: a bucket of its own with object lock. */
export interface AuditArchive {
  /** S3-compatible endpoint (https). */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  /** Days every object version stays locked in compliance mode, and then is kept no longer. */
  readonly retentionDays: number;
  /** The principal (IAM user or role ARN) whose key is in the credentials Secret. */
  readonly writer: string;
}

/** The key prefix of a cluster's archive, and the kinds of record under it: `<cluster>/audit/...`, `<cluster>/falco/...`. */
export function auditArchivePrefix(cluster: string): string {
  return `${cluster}/`;
}

/**
 * What the writer is denied by name, whatever its key is otherwise granted: removing or hiding
 * object versions, shortening or lifting their lock, and changing the bucket's versioning, lock,
 * lifecycle or policy (the settings that keep old versions).
 */
export const AUDIT_ARCHIVE_WRITER_DENIED_ACTIONS: readonly string[] = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:DeleteBucket',
];

/**
 * The bucket policy of the archive (`aws s3api put-bucket-policy --policy file://...`). The writer
 * may only add objects under the cluster's prefix: every other action is denied to it explicitly,
 * which overrides whatever its key is granted elsewhere, and an upload that asks for a weaker lock
 * than the bucket's default is refused. Overwriting a key adds a version; the locked version it
 * hides stays, and nobody, the writer included, can delete it before its retention ends
 * (compliance mode: not even the account's root). TLS is required for everyone.
 */
export function auditArchiveBucketPolicy(archive: AuditArchive, cluster: string): Record<string, unknown> {
  const bucket = `arn:aws:s3:::${archive.bucket}`;
  const writer = { AWS: [archive.writer] };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucket, `${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'AllowWriterToAddObjects',
        Effect: 'Allow',
        Principal: writer,
        Action: ['s3:PutObject'],
        Resource: [`${bucket}/${auditArchivePrefix(cluster)}*`],
      },
      {
        Sid: 'DenyWriterDeleteOverwriteAndLockChanges',
        Effect: 'Deny',
        Principal: writer,
        Action: [...AUDIT_ARCHIVE_WRITER_DENIED_ACTIONS],
        Resource: [bucket, `${bucket}/*`],
      },
      {
        Sid: 'DenyWriterAnythingButAddingObjects',
        Effect: 'Deny',
        Principal: writer,
        NotAction: ['s3:PutObject'],
        Resource: [bucket, `${bucket}/*`],
      },
      // an upload without lock headers gets the bucket's default lock; one with them may not ask for less
      {
        Sid: 'DenyWriterWeakerLockMode',
        Effect: 'Deny',
        Principal: writer,
        Action: ['s3:PutObject'],
        Resource: [`${bucket}/*`],
        // Null false: the header is there (a negated operator alone would also match requests without it)
        Condition: { Null: { 's3:object-lock-mode': 'false' }, StringNotEquals: { 's3:object-lock-mode': 'COMPLIANCE' } },
      },
      {
        Sid: 'DenyWriterShorterRetention',
        Effect: 'Deny',
        Principal: writer,
        Action: ['s3:PutObject'],
        Resource: [`${bucket}/*`],
        Condition: { NumericLessThan: { 's3:object-lock-remaining-retention-days': String(archive.retentionDays) } },
      },
    ],
  };
}

/**
 * The bucket's object lock configuration (`aws s3api put-object-lock-configuration
 * --object-lock-configuration file://...`): every new object version is locked in compliance mode
 * for `retentionDays`. Object lock can only be enabled when the bucket is created
 * (`--object-lock-enabled-for-bucket`), which also turns versioning on for good.
 */
export function auditArchiveObjectLock(retentionDays: number): Record<string, unknown> {
  return { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: retentionDays } } };
}

/**
 * The bucket's lifecycle (`aws s3api put-bucket-lifecycle-configuration --lifecycle-configuration
 * file://...`): audit logs are kept no longer than the retention allows, so a version expires one
 * day after its lock ends; a version an overwrite hid expires `retentionDays + 1` days after that,
 * and never before its own lock ends (the store refuses to remove a locked version).
 */
export function auditArchiveLifecycle(retentionDays: number): Record<string, unknown> {
  return {
    Rules: [
      {
        ID: 'expire-after-retention',
        Status: 'Enabled',
        Filter: { Prefix: '' },
        Expiration: { Days: retentionDays + 1 },
        NoncurrentVersionExpiration: { NoncurrentDays: retentionDays + 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ],
  };
}
