function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether the templates read `.Values.<path>` itself (not only keys below it), e.g. `toYaml .Values.controller.resources`. */
function readWhole(templates: string, path: string): boolean {
  return new RegExp(`\\.Values\\.${escape(path)}(?![\\w.])`).test(templates);
}

/**
 * Dotted paths of the keys `values` sets that the chart does not know: a key is known when its
 * parent's default (values.yaml) has it, when the parent's default is an empty map or null
 * (free-form, like ConfigMap entries), or when the chart's templates read it or a map it is in as a
 * whole (`.Values.a.b`, for a key documented only in a comment or a Kubernetes type the template
 * copies). Lists are taken as they are.
 * @param templates the text of the chart's templates (helpers included)
 */
export function unknownValueKeys(values: Record<string, unknown>, defaults: Record<string, unknown>, templates: string, at = ''): string[] {
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const path = at ? `${at}.${key}` : key;
    const segments = path.split('.');
    if (!(key in defaults)) {
      // a prefix of two or more keys: `.Values.controller` alone would admit anything below it
      const read = segments.some((_, i) => i >= 1 && readWhole(templates, segments.slice(0, i + 1).join('.')));
      if (!read) unknown.push(path);
      continue;
    }
    const def = defaults[key];
    if (isMap(value) && isMap(def) && Object.keys(def).length > 0) unknown.push(...unknownValueKeys(value, def, templates, path));
  }
  return unknown;
}
