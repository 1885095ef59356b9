import { ConfigError, parseYamlFile, showValue } from '@ck8s/core/base';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

/**
 * Appends `recipient` to `sops.ageRecipients` of a cluster.yaml text, creating the `sops` block if missing.
 * Edits the YAML document tree, so comments, key order and quoting of the rest of the file stay as they were.
 * @param file how the file is named in errors
 * @returns the new text (the same text when the recipient is listed already)
 * @throws ConfigError when the file is not valid YAML or `sops`/`sops.ageRecipients` have the wrong shape
 */
export function addAgeRecipient(text: string, recipient: string, file: string): string {
  const parsed = parseYamlFile(text, file);
  if (parsed.problems.length > 0) throw new ConfigError(parsed.problems);
  const doc = parseDocument(text);
  const sops = doc.get('sops', true);
  if (sops === undefined || (isScalar(sops) && sops.value === null)) {
    doc.set('sops', doc.createNode({ ageRecipients: [recipient] }));
    return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  }
  if (!isMap(sops)) {
    throw new ConfigError([{ file, path: 'sops', message: `${showValue(doc.get('sops'))} is not a mapping; expected sops: { ageRecipients: [age1...] }` }]);
  }
  // an empty `sops: {}` becomes a block, so the new entry gets its own readable lines
  if (sops.items.length === 0) sops.flow = false;
  const list = sops.get('ageRecipients', true);
  if (list === undefined || (isScalar(list) && list.value === null)) {
    sops.set('ageRecipients', doc.createNode([recipient]));
    return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  }
  if (!isSeq(list)) {
    throw new ConfigError([{ file, path: 'sops.ageRecipients', message: `${showValue(sops.get('ageRecipients'))} is not a list; expected a list of age1... recipients` }]);
  }
  if (list.items.some((item) => isScalar(item) && item.value === recipient)) return text;
  if (list.items.length === 0) list.flow = false;
  list.add(doc.createNode(recipient));
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
