/** Longest evidence text shown; configuration values can be whole files. */
const MAX_TEXT = 200;

/** `key=value` pairs whose key names a credential (connection strings, query strings, SAS tokens). */
const CREDENTIAL_PAIR =
  /\b([A-Za-z0-9_.-]*?(?:key|secret|password|passwd|pwd|token|sig|signature|sas|credential)[A-Za-z0-9_]*)\s*=\s*("[^"]*"|'[^']*'|[^;&,\s"']+)/gi;
/** The password of a URL's user info: `scheme://user:password@host`. */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:@/\s]+):([^@/\s]+)@/gi;
/** Long opaque runs (keys, tokens, base64 blobs) wherever they stand. */
const OPAQUE = /[A-Za-z0-9+/]{32,}={0,2}/g;

/**
 * Text with every credential replaced by `***`: values of credential-named keys, URL passwords and
 * long opaque tokens; shortened to 200 characters. Used for every piece of configuration the
 * report quotes, so a connection string shows its host but never its key.
 */
export function redact(text: string): string {
  const redacted = text.replace(URL_PASSWORD, '$1:***@').replace(CREDENTIAL_PAIR, '$1=***').replace(OPAQUE, '***');
  const oneLine = redacted.replace(/\s*\n\s*/g, ' ').trim();
  return oneLine.length > MAX_TEXT ? `${oneLine.slice(0, MAX_TEXT - 1)}…` : oneLine;
}
