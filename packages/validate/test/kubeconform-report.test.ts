import { describe, expect, it } from 'vitest';
import { parseKubeconformReport, problemMessages } from '../src/index.js';

const base = { filename: 'a.yaml', kind: 'Deployment', name: 'web', version: 'apps/v1' };

describe('problemMessages', () => {
  it('finds the wrong fields in the error tree kubeconform flattens into msg', () => {
    const msg =
      "problem validating schema. Check JSON formatting: jsonschema validation failed with 'file:///s/deployment-apps-v1.json#' - at '/spec': validation failed   - at '/spec/replicas': got string, want integer   - at '/spec/template/spec/containers/0': additional properties 'imagePullPolicyy' not allowed";
    expect(problemMessages({ ...base, status: 'statusInvalid', msg, validationErrors: [{ path: '/spec', msg: 'validation failed' }] })).toEqual([
      '/spec/replicas: got string, want integer',
      "/spec/template/spec/containers/0: additional properties 'imagePullPolicyy' not allowed",
    ]);
  });

  it('keeps a oneOf together with the reasons of its alternatives, and names the root as /', () => {
    const msg =
      "problem validating schema. Check JSON formatting: jsonschema validation failed with 'file:///s.json#' - at '': missing property 'spec' - at '/port': 'oneOf' failed, none matched   - at '/port': got boolean, want string   - at '/port': got boolean, want integer";
    expect(problemMessages({ ...base, status: 'statusInvalid', msg })).toEqual([
      "/: missing property 'spec'",
      "/port: 'oneOf' failed, none matched (got boolean, want string; got boolean, want integer)",
    ]);
  });

  it('falls back to validationErrors, then to msg', () => {
    expect(problemMessages({ ...base, status: 'statusInvalid', msg: 'something else', validationErrors: [{ path: '/a', msg: 'bad' }] })).toEqual([
      '/a: bad',
    ]);
    expect(problemMessages({ ...base, status: 'statusError', msg: 'error unmarshalling resource: x' })).toEqual(['error unmarshalling resource: x']);
  });

  it('says which apiVersion had no schema', () => {
    expect(
      problemMessages({ ...base, kind: 'Widget', version: 'example.com/v1', status: 'statusError', msg: 'could not find schema for Widget' }),
    ).toEqual(['could not find schema for Widget (example.com/v1) in any schema location']);
  });
});

describe('parseKubeconformReport', () => {
  it('rejects output that is not a report', () => {
    expect(() => parseKubeconformReport('')).toThrow('kubeconform printed no JSON report: (empty output)');
    expect(() => parseKubeconformReport('{"x": 1}')).toThrow('kubeconform printed an unexpected report');
    expect(parseKubeconformReport('{"resources": [], "summary": {"valid": 2, "invalid": 0, "errors": 0, "skipped": 0}}').summary.valid).toBe(2);
  });
});
