// HTML built from templates whose every interpolated value is escaped unless it is already markup:
// the evidence's strings (keys, alarm names, reasons) can contain anything, and none of them may
// become markup in the report.

/** Text that is already HTML (built by `html`, or a chart's serialized SVG). */
export class Markup {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

type Value = Markup | string | number | null | undefined | readonly Value[];

/**
 * A template of HTML: `html\`<td>${key}</td>\`` escapes `key`; a Markup value is inserted as is;
 * an array is inserted item by item; null and undefined insert nothing.
 */
export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += insert(value) + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}

function insert(value: Value): string {
  if (value instanceof Markup) return value.value;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(insert).join('');
  return escapeHtml(String(value));
}
