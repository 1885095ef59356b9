import { AUDIT_ARCHIVE_OUTPUT, auditArchivePrefix } from './audit-archive.js';
import { type LogKind, logIndexPrefix } from './log-indices.js';

/** Where the Kubernetes API server writes its audit log (the `--audit-log-path` that @ck8s/apiserver sets). */
export const AUDIT_LOG_PATH = '/var/log/kubernetes/audit/audit.log';

/** Host directory of the forwarder's read positions and filesystem buffer; survives pod restarts. */
export const LOG_FORWARDER_STATE_DIR = '/var/fluent-bit';

/**
 * Most disk the buffer of one output may take on a node. Chunks only queue up while the log store
 * is unreachable; past this limit Fluent Bit drops the oldest chunk, logs an error and counts it in
 * `fluentbit_output_dropped_records_total`, so a loss is never silent and the node's disk never fills.
 */
export const LOG_FORWARDER_BUFFER_LIMIT = '10G';

/** Port of the forwarder's HTTP server: health checks and Prometheus metrics. */
export const LOG_FORWARDER_METRICS_PORT = 2020;

/** Environment variables that carry the log store account into the pipeline (from the credentials Secret). */
export const LOG_FORWARDER_ENV = { username: 'OPENSEARCH_USERNAME', password: 'OPENSEARCH_PASSWORD' } as const;

export interface FluentBitPipelineProps {
  /** Cluster whose logs are shipped; part of every index name and of every record. */
  readonly clusterName: string;
  /** Host of the log store ingest, reached over HTTPS. */
  readonly host: string;
  /** @default 443 */
  readonly port?: number;
  /** Also archive the audit log and Falco events to this bucket (Fluent Bit's s3 output). @default no archive */
  readonly archive?: { readonly endpoint: string; readonly bucket: string; readonly region: string };
}

/** The four classic-mode sections of the chart's `config` value. */
export interface FluentBitPipeline {
  readonly service: string;
  readonly inputs: string;
  readonly filters: string;
  readonly outputs: string;
}

/** Tags of the inputs, matched by filters and outputs. */
const TAGS: Record<LogKind, string> = { app: 'kube.*', audit: 'audit.*' };

/** Tag of Falco's events, copied out of the Falco containers' logs for the archive. */
const FALCO_EVENTS_TAG = 'falco.events';

/**
 * The tail input's tag of the Falco containers' logs in the falco namespace (`kube.` + the file path
 * with '/' as '.': <pod>_<namespace>_<container>-<id>.log); the namespace is part of the file name,
 * so no pod elsewhere can pass its output off as Falco's.
 */
const FALCO_CONTAINER_TAG = 'kube.var.log.containers.*_falco_falco-*.log';

/** Local store of the s3 output: files wait here until they are uploaded. */
const ARCHIVE_STORE_DIR = `${LOG_FORWARDER_STATE_DIR}/archive`;

/**
 * The Fluent Bit pipeline: container logs with Kubernetes metadata and the API server's audit log,
 * buffered on the node's disk and shipped over verified TLS to one daily index per kind of log.
 */
export function fluentBitPipeline(props: FluentBitPipelineProps): FluentBitPipeline {
  const state = LOG_FORWARDER_STATE_DIR;
  const service = section('SERVICE', [
    ['Daemon', 'Off'],
    ['Flush', '1'],
    ['Log_Level', 'info'],
    // the image's parsers (json, docker, cri); absolute, so it does not depend on where the chart mounts its config
    ['Parsers_File', '/fluent-bit/etc/parsers.conf'],
    ['HTTP_Server', 'On'],
    ['HTTP_Listen', '0.0.0.0'],
    ['HTTP_Port', String(LOG_FORWARDER_METRICS_PORT)],
    ['Health_Check', 'On'],
    // filesystem buffering: records wait on the node's disk while the service cluster is unreachable
    ['storage.path', `${state}/buffer/`],
    ['storage.sync', 'normal'],
    ['storage.checksum', 'off'],
    ['storage.max_chunks_up', '64'],
    ['storage.backlog.mem_limit', '16M'],
    ['storage.metrics', 'On'],
  ]);

  const inputs = [
    section('INPUT', [
      ['Name', 'tail'],
      ['Alias', 'containers'],
      ['Tag', TAGS.app],
      ['Path', '/var/log/containers/*.log'],
      ['multiline.parser', 'docker, cri'],
      // read positions survive restarts, so nothing is read twice or skipped
      ['DB', `${state}/state/containers.db`],
      ['DB.locking', 'true'],
      ['storage.type', 'filesystem'],
      ['Skip_Long_Lines', 'On'],
      ['Refresh_Interval', '10'],
    ]),
    section('INPUT', [
      ['Name', 'tail'],
      ['Alias', 'audit'],
      ['Tag', TAGS.audit],
      // exists on control-plane nodes only; elsewhere the input simply finds nothing
      ['Path', AUDIT_LOG_PATH],
      ['Parser', 'json'],
      ['DB', `${state}/state/audit.db`],
      ['DB.locking', 'true'],
      ['storage.type', 'filesystem'],
      // audit events with request and response bodies are long
      ['Buffer_Max_Size', '4M'],
      ['Skip_Long_Lines', 'On'],
      ['Refresh_Interval', '10'],
    ]),
  ].join('\n');

  const filters = [
    section('FILTER', [
      ['Name', 'kubernetes'],
      ['Match', TAGS.app],
      ['Merge_Log', 'On'],
      ['Merge_Log_Key', 'log_processed'],
      ['Keep_Log', 'Off'],
      ['Labels', 'On'],
      ['Annotations', 'Off'],
      // pods must not choose how, or whether, their logs are collected: both annotations are ignored
      ['K8S-Logging.Parser', 'Off'],
      ['K8S-Logging.Exclude', 'Off'],
    ]),
    ...(props.archive
      ? [
          // Falco prints every event as one JSON line with `rule` (json_output); falcosidekick sends them
          // to the log store, and this copy goes to the archive. Startup lines have no `rule`.
          section('FILTER', [
            ['Name', 'rewrite_tag'],
            ['Match', FALCO_CONTAINER_TAG],
            ['Rule', `$log_processed['rule'] ^.+$ ${FALCO_EVENTS_TAG} true`],
            ['Emitter_Name', 'falco-events'],
            ['Emitter_Storage.type', 'filesystem'],
          ]),
        ]
      : []),
    section('FILTER', [
      ['Name', 'record_modifier'],
      ['Match', '*'],
      ['Record', `cluster ${props.clusterName}`],
    ]),
  ].join('\n');

  const outputs = (['app', 'audit'] as const)
    .map((kind) =>
      section('OUTPUT', [
        ['Name', 'opensearch'],
        ['Alias', `${kind}-logs`],
        ['Match', TAGS[kind]],
        ['Host', props.host],
        ['Port', String(props.port ?? 443)],
        ['tls', 'On'],
        ['tls.verify', 'On'],
        ['tls.vhost', props.host],
        ['HTTP_User', `\${${LOG_FORWARDER_ENV.username}}`],
        ['HTTP_Passwd', `\${${LOG_FORWARDER_ENV.password}}`],
        // one index per kind, cluster and day: retention deletes whole days
        ['Logstash_Format', 'On'],
        ['Logstash_Prefix', logIndexPrefix(kind, props.clusterName)],
        ['Logstash_DateFormat', '%Y.%m.%d'],
        ['Suppress_Type_Name', 'On'],
        // label keys such as app.kubernetes.io/name would otherwise clash with `app` in the mapping
        ['Replace_Dots', 'On'],
        ['Trace_Error', 'On'],
        // never give up on a chunk: it stays in the filesystem buffer until the log store takes it
        ['Retry_Limit', 'False'],
        ['storage.total_limit_size', LOG_FORWARDER_BUFFER_LIMIT],
      ]),
    )
    .join('\n');

  const archive = props.archive
    ? section('OUTPUT', [
        ['Name', 's3'],
        ['Alias', AUDIT_ARCHIVE_OUTPUT],
        // the audit log and Falco's events; $TAG[0] (audit, falco) names the folder
        ['Match_Regex', '^(audit|falco)\\..*'],
        ['endpoint', props.archive.endpoint],
        ['bucket', props.archive.bucket],
        ['region', props.archive.region],
        ['s3_key_format', `/${auditArchivePrefix(props.clusterName)}$TAG[0]/%Y/%m/%d/%H%M%S-$UUID.json.gz`],
        ['s3_key_format_tag_delimiters', '.'],
        ['compression', 'gzip'],
        // one PutObject per file, no multipart upload: the writer needs no other action than s3:PutObject
        ['use_put_object', 'On'],
        // object lock refuses uploads without an integrity header
        ['send_content_md5', 'On'],
        ['total_file_size', '50M'],
        ['upload_timeout', '5m'],
        ['store_dir', ARCHIVE_STORE_DIR],
        ['store_dir_limit_size', LOG_FORWARDER_BUFFER_LIMIT],
        ['Retry_Limit', 'False'],
        ['storage.total_limit_size', LOG_FORWARDER_BUFFER_LIMIT],
      ])
    : undefined;

  return { service, inputs, filters, outputs: archive ? `${outputs}\n${archive}` : outputs };
}

/** One classic-mode section with aligned keys. */
function section(name: string, entries: readonly (readonly [string, string])[]): string {
  const width = Math.max(...entries.map(([key]) => key.length));
  return `[${name}]\n${entries.map(([key, value]) => `    ${key.padEnd(width)} ${value}`).join('\n')}\n`;
}
