import type { ComponentAlertGroup } from '@ck8s/core';
import { AUDIT_ARCHIVE_OUTPUT } from './audit-archive.js';

/** Fluent Bit's counters (port 2020, the `fluent-bit` endpoint), per output `name` (its alias), and records read per input `name`. */
export const LOG_SHIPPING_METRICS = {
  recordsSent: 'fluentbit_output_proc_records_total',
  retriesFailed: 'fluentbit_output_retries_failed_total',
  outputErrors: 'fluentbit_output_errors_total',
  outputRetries: 'fluentbit_output_retries_total',
  recordsDropped: 'fluentbit_output_dropped_records_total',
  recordsRead: 'fluentbit_input_records_total',
} as const;

/** Alias of the tail input of the API server's audit log (fluentBitPipeline). */
const AUDIT_INPUT_NAME = 'audit';

const m = LOG_SHIPPING_METRICS;
const fluentBit = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, 'fluent-bit']));
const archive = AUDIT_ARCHIVE_OUTPUT;

/** Fluent Bit's alerts: logs that do not leave a node, chunks given up after retries, an audit archive that fails or stopped. */
export const LOG_SHIPPING_ALERTS: ComponentAlertGroup = {
  name: 'log-shipping',
  alerts: [
    {
      alert: 'LogShippingStalled',
      severity: 'critical',
      // the archive gets Falco's events, which may not come for hours: AuditArchiveStopped watches it
      expr: `sum by (cluster, pod, name) (rate(${m.recordsSent}{name!="${archive}"}[15m])) == 0`,
      for: '5m',
      summary: 'Logs are not leaving a node',
      description:
        'Fluent Bit {{ $labels.pod }} in cluster {{ $labels.cluster }} has sent no records through output {{ $labels.name }} for 15 minutes: audit and application logs are not reaching the log store.',
      metrics: fluentBit(m.recordsSent),
      tests: [
        {
          name: 'fires when an output sent nothing for 15 minutes',
          series: { [`${m.recordsSent}{cluster="sc", pod="fluent-bit-x7k2p", name="opensearch"}`]: '500x30' },
          at: '20m',
          fires: [
            {
              labels: { cluster: 'sc', pod: 'fluent-bit-x7k2p', name: 'opensearch' },
              description:
                'Fluent Bit fluent-bit-x7k2p in cluster sc has sent no records through output opensearch for 15 minutes: audit and application logs are not reaching the log store.',
            },
          ],
        },
        {
          name: 'stays quiet while records flow, and for an idle audit archive',
          series: {
            [`${m.recordsSent}{cluster="sc", pod="fluent-bit-x7k2p", name="opensearch"}`]: '0+10x30',
            [`${m.recordsSent}{cluster="sc", pod="fluent-bit-x7k2p", name="${archive}"}`]: '500x30',
          },
          at: '20m',
          fires: [],
        },
      ],
    },
    {
      alert: 'LogShippingRetriesFailing',
      severity: 'warning',
      expr: `sum by (cluster, pod, name) (increase(${m.retriesFailed}[15m])) > 0`,
      summary: 'Log records are being dropped after retries',
      description:
        'Fluent Bit {{ $labels.pod }} in cluster {{ $labels.cluster }} gave up on {{ $value }} chunks of output {{ $labels.name }} in the last 15 minutes.',
      metrics: fluentBit(m.retriesFailed),
      tests: [
        {
          name: 'fires when an output gave up on a chunk',
          series: { [`${m.retriesFailed}{cluster="sc", pod="fluent-bit-x7k2p", name="opensearch"}`]: '0x10 2x10' },
          at: '20m',
          fires: [
            {
              labels: { cluster: 'sc', pod: 'fluent-bit-x7k2p', name: 'opensearch' },
              description: 'Fluent Bit fluent-bit-x7k2p in cluster sc gave up on 2 chunks of output opensearch in the last 15 minutes.',
            },
          ],
        },
        {
          name: 'stays quiet without failed retries',
          series: { [`${m.retriesFailed}{cluster="sc", pod="fluent-bit-x7k2p", name="opensearch"}`]: '0x20' },
          at: '20m',
          fires: [],
        },
      ],
    },
    // The s3 output buffers in its own store and reports few upload failures in these counters
    // (fluent/fluent-bit#6141), so both alerts watch it: any error, retry or drop it does report,
    // and audit records read on a node while the archive took none of them.
    {
      alert: 'AuditArchiveFailing',
      severity: 'critical',
      expr: [m.outputErrors, m.outputRetries, m.retriesFailed, m.recordsDropped]
        .map((metric) => `sum by (cluster, pod) (increase(${metric}{name="${archive}"}[15m])) > 0`)
        .join(' or '),
      summary: 'The audit-log archive is failing',
      description: `Fluent Bit {{ $labels.pod }} in cluster {{ $labels.cluster }} reports errors, retries or dropped records on output ${archive} in the last 15 minutes: audit logs and Falco events may not reach the tamper-proof bucket (check its logs and the key in logging/fluent-bit-archive-credentials).`,
      metrics: fluentBit(m.outputErrors, m.outputRetries, m.retriesFailed, m.recordsDropped),
      tests: [
        {
          name: 'fires on errors of the archive output',
          series: { [`${m.outputErrors}{cluster="sc", pod="fluent-bit-x7k2p", name="${archive}"}`]: '0x5 1x10' },
          at: '15m',
          fires: [
            {
              labels: { cluster: 'sc', pod: 'fluent-bit-x7k2p' },
              description:
                'Fluent Bit fluent-bit-x7k2p in cluster sc reports errors, retries or dropped records on output audit-archive in the last 15 minutes: audit logs and Falco events may not reach the tamper-proof bucket (check its logs and the key in logging/fluent-bit-archive-credentials).',
            },
          ],
        },
        {
          name: 'stays quiet for errors of another output',
          series: { [`${m.outputErrors}{cluster="sc", pod="fluent-bit-x7k2p", name="opensearch"}`]: '0x5 1x10' },
          at: '15m',
          fires: [],
        },
      ],
    },
    {
      alert: 'AuditArchiveStopped',
      severity: 'critical',
      expr: `(sum by (cluster, pod) (rate(${m.recordsRead}{name="${AUDIT_INPUT_NAME}"}[30m])) > 0) and on (cluster, pod) (sum by (cluster, pod) (rate(${m.recordsSent}{name="${archive}"}[30m])) == 0)`,
      for: '15m',
      summary: 'The audit-log archive stopped receiving',
      description: `Fluent Bit {{ $labels.pod }} in cluster {{ $labels.cluster }} reads the API server audit log but has passed no record to output ${archive} for 30 minutes: the tamper-proof archive stopped receiving.`,
      metrics: fluentBit(m.recordsRead, m.recordsSent),
      tests: [
        {
          name: 'fires when audit records are read but none archived',
          series: {
            [`${m.recordsRead}{cluster="sc", pod="fluent-bit-x7k2p", name="${AUDIT_INPUT_NAME}"}`]: '0+10x60',
            [`${m.recordsSent}{cluster="sc", pod="fluent-bit-x7k2p", name="${archive}"}`]: '500x60',
          },
          at: '30m',
          fires: [
            {
              labels: { cluster: 'sc', pod: 'fluent-bit-x7k2p' },
              description:
                'Fluent Bit fluent-bit-x7k2p in cluster sc reads the API server audit log but has passed no record to output audit-archive for 30 minutes: the tamper-proof archive stopped receiving.',
            },
          ],
        },
        {
          name: 'stays quiet while the archive receives',
          series: {
            [`${m.recordsRead}{cluster="sc", pod="fluent-bit-x7k2p", name="${AUDIT_INPUT_NAME}"}`]: '0+10x60',
            [`${m.recordsSent}{cluster="sc", pod="fluent-bit-x7k2p", name="${archive}"}`]: '0+10x60',
          },
          at: '30m',
          fires: [],
        },
      ],
    },
  ],
};
