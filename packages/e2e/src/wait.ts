import * as http from 'node:http';
import * as https from 'node:https';

export interface WaitOptions {
  /** What is awaited, for the error, e.g. `kube-apiserver /readyz`. */
  what: string;
  /** Give up after this long. @default 60_000 */
  timeoutMs?: number;
  /** Pause between probes. @default 200 */
  intervalMs?: number;
  /** Extra text for the timeout error, computed only when it times out (e.g. a log tail). */
  details?: () => string;
  /** Checked before each probe: a message here aborts the wait at once (e.g. the process exited). */
  abort?: () => string | undefined;
}

/** Raised when a wait times out or is aborted; its message names what was awaited. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

/**
 * Calls probe until it returns a value other than undefined, and returns that value.
 * A probe that throws counts as "not yet"; its last error is quoted if the wait times out.
 * @throws WaitTimeoutError after timeoutMs, or at once when abort() returns a message
 */
export async function waitUntil<T>(probe: () => Promise<T | undefined> | T | undefined, options: WaitOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw new WaitTimeoutError(`${options.what}: ${aborted}${suffix(options.details)}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const last = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new WaitTimeoutError(`timed out after ${(timeoutMs / 1000).toFixed(0)}s waiting for ${options.what}${last}${suffix(options.details)}`);
    }
    await sleep(options.intervalMs ?? 200);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function suffix(details: (() => string) | undefined): string {
  const text = details?.().trim();
  return text ? `\n${text}` : '';
}

export interface ProbeOptions {
  /** CA certificate(s) (PEM) that verify an https URL. @default none: the server certificate is not verified */
  ca?: string;
  /** Bearer token. @default none */
  token?: string;
  /** Give up on one request after this long. @default 2_000 */
  timeoutMs?: number;
}

/**
 * GETs a URL once and returns status and body. For health endpoints of local components, whose
 * self-signed serving certificates are not verified unless `ca` is given.
 */
export function httpGet(url: string, options: ProbeOptions = {}): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      target,
      {
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
        ...(target.protocol === 'https:' ? (options.ca ? { ca: options.ca } : { rejectUnauthorized: false }) : {}),
        timeout: options.timeoutMs ?? 2_000,
        agent: false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 2_000}ms`)));
    request.on('error', reject);
  });
}

/** A probe for waitUntil: true once the URL answers 200. */
export function httpOk(url: string, options: ProbeOptions = {}): () => Promise<true | undefined> {
  return async () => {
    const { status, body } = await httpGet(url, options);
    if (status === 200) return true;
    throw new Error(`${url} answered ${status}: ${body.slice(0, 300).trim()}`);
  };
}
