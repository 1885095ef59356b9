/** One entry of `kubeconform -output json`: only resources that are not valid, unless -verbose. */
export interface KubeconformResource {
  readonly filename: string;
  readonly kind: string;
  readonly name: string;
  readonly version: string;
  /** `statusValid`, `statusInvalid` (schema violations), `statusError` (e.g. no schema) or `statusSkipped`. */
  readonly status: string;
  readonly msg: string;
  readonly validationErrors?: readonly { readonly path: string; readonly msg: string }[];
}

/** The whole of `kubeconform -summary -output json`. */
export interface KubeconformReport {
  readonly resources: readonly KubeconformResource[];
  readonly summary: { readonly valid: number; readonly invalid: number; readonly errors: number; readonly skipped: number };
}

/**
 * Parses kubeconform's JSON report.
 * @throws Error when the text is not one (e.g. kubeconform failed before validating anything)
 */
export function parseKubeconformReport(stdout: string): KubeconformReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`kubeconform printed no JSON report: ${stdout.trim().slice(0, 500) || '(empty output)'}`);
  }
  const report = parsed as Partial<KubeconformReport> | null;
  if (!report || !Array.isArray(report.resources) || typeof report.summary !== 'object' || report.summary === null) {
    throw new Error(`kubeconform printed an unexpected report: ${stdout.trim().slice(0, 500)}`);
  }
  return report as KubeconformReport;
}

interface ErrorNode {
  readonly path: string;
  readonly message: string;
  readonly children: ErrorNode[];
}

const ENTRY = "- at '";
// Groups that only say "something below failed"; their causes carry the information.
const GROUPING_MESSAGES = new Set(['validation failed']);

function displayPath(path: string): string {
  return path === '' ? '/' : path;
}

/**
 * Rebuilds the error tree kubeconform flattened into one line. Its `validationErrors` keep only
 * the first level ("/spec: validation failed"), so the field that is actually wrong is only in
 * `msg`: `... - at '/spec': validation failed   - at '/spec/replicas': got string, want integer`,
 * where a cause at depth d (from 1) is preceded by 1 + 2·(d-1) spaces.
 */
function parseErrorTree(msg: string): ErrorNode[] {
  const starts: number[] = [];
  for (let i = msg.indexOf(ENTRY); i >= 0; i = msg.indexOf(ENTRY, i + ENTRY.length)) starts.push(i);
  const roots: ErrorNode[] = [];
  const stack: { depth: number; node: ErrorNode }[] = [];
  starts.forEach((start, index) => {
    let spaces = 0;
    while (start - spaces - 1 >= 0 && msg[start - spaces - 1] === ' ') spaces++;
    const depth = Math.max(1, (spaces + 1) / 2);
    const end = index + 1 < starts.length ? starts[index + 1]! : msg.length;
    const body = msg.slice(start + ENTRY.length, end).trimEnd();
    const separator = body.indexOf("': ");
    if (separator < 0) return;
    const node: ErrorNode = { path: body.slice(0, separator), message: body.slice(separator + 3), children: [] };
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    (stack.length > 0 ? stack[stack.length - 1]!.node.children : roots).push(node);
    stack.push({ depth, node });
  });
  return roots;
}

function leaves(node: ErrorNode): ErrorNode[] {
  return node.children.length === 0 ? [node] : node.children.flatMap(leaves);
}

function describe(node: ErrorNode): string[] {
  if (node.children.length > 0 && GROUPING_MESSAGES.has(node.message)) return node.children.flatMap(describe);
  const own = `${displayPath(node.path)}: ${node.message}`;
  if (node.children.length === 0) return [own];
  // e.g. a oneOf: say which alternatives failed and why, in one problem.
  const details = leaves(node).map((leaf) => (leaf.path === node.path ? leaf.message : `${displayPath(leaf.path)}: ${leaf.message}`));
  return [`${own} (${details.join('; ')})`];
}

/** The messages of one resource's result: one per wrong field, naming it by JSON pointer. */
export function problemMessages(resource: KubeconformResource): string[] {
  if (resource.status === 'statusError') {
    // "could not find schema for Widget" does not say which apiVersion was looked up.
    return [
      resource.version && resource.msg.startsWith('could not find schema')
        ? `${resource.msg} (${resource.version}) in any schema location`
        : resource.msg,
    ];
  }
  const fromTree = parseErrorTree(resource.msg).flatMap(describe);
  if (fromTree.length > 0) return fromTree;
  const fromList = (resource.validationErrors ?? []).map((e) => `${displayPath(e.path)}: ${e.msg}`);
  return fromList.length > 0 ? fromList : [resource.msg];
}
