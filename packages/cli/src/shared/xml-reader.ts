/**
 * A forward-only reader of the XML S3 sends in list responses: elements, and leaf elements whose
 * text has no markup (S3 escapes `<` and `&` in keys), which is all a list page holds. It reads
 * the bytes without making a string of the page and decodes only the texts the caller keeps:
 * several times cheaper than a general XML parser, and the page's buffer becomes garbage as soon
 * as it is read. A CDATA section, comment or DOCTYPE ends the reading ('end'), as a body cut
 * short does. Wherever the XML is not what S3 sends (a wrong end tag, an unknown entity, a time
 * that is not RFC 3339), it throws {@link Declined}: the caller declines the page, and the SDK's
 * parser reads it instead (or rejects it).
 */
export class XmlReader {
  /** Where the current name and text lie in the body (byte offsets, end exclusive). */
  nameStart = 0;
  nameEnd = 0;
  textStart = 0;
  textEnd = 0;
  /** Whether the current text holds an entity (`&`) or a byte above 0x7F. */
  textEscaped = false;
  textAscii = true;
  private at = 0;

  constructor(readonly body: Buffer) {}

  /**
   * Moves to the next tag: 'open' (an element with children; continue with next), 'leaf' (an
   * element with text only, read whole: name and text are set), 'close' (the end of the element
   * whose children were being read) or 'end' (no tag left).
   */
  next(): 'open' | 'leaf' | 'close' | 'end' {
    const body = this.body;
    const length = body.length;
    for (;;) {
      let i = this.at;
      while (i < length && body[i] !== LT) i++;
      if (i + 1 >= length) return 'end';
      const first = body[i + 1];
      if (first === BANG) {
        // A CDATA section, a comment or a DOCTYPE (which may declare entities): not S3's list
        // XML, so not read at all.
        this.at = length;
        return 'end';
      }
      if (first === QUESTION) {
        // The XML declaration.
        this.at = this.skipPast(GT, i);
        continue;
      }
      if (first === SLASH) {
        this.nameStart = i + 2;
        this.at = this.skipPast(GT, i);
        this.nameEnd = this.at - 1;
        return 'close';
      }
      this.nameStart = i + 1;
      let j = i + 1;
      // A name ends at '>', '/' or white space (attributes follow).
      while (j < length && body[j] !== GT && body[j] !== SLASH && (body[j] as number) > SPACE) j++;
      this.nameEnd = j;
      const gt = this.skipPast(GT, j) - 1;
      if (gt >= length) return 'end';
      if (body[gt - 1] === SLASH) {
        // <Name/>: a leaf with no text.
        this.textStart = this.textEnd = gt;
        this.textEscaped = false;
        this.textAscii = true;
        this.at = gt + 1;
        return 'leaf';
      }
      let k = gt + 1;
      let escaped = false;
      let ascii = true;
      for (; k < length; k++) {
        const b = body[k] as number;
        if (b === LT) break;
        if (b === AMP) escaped = true;
        else if (b > 0x7f) ascii = false;
      }
      if (k + 1 < length && body[k + 1] === SLASH) {
        this.textStart = gt + 1;
        this.textEnd = k;
        this.textEscaped = escaped;
        this.textAscii = ascii;
        this.at = this.skipPast(GT, k);
        return 'leaf';
      }
      this.at = k;
      return 'open';
    }
  }

  /** Skips the children of the element just opened, up to and including its end tag. */
  skipElement(): void {
    let depth = 0;
    for (;;) {
      const kind = this.next();
      if (kind === 'end') throw new Declined('cut short');
      if (kind === 'open') depth++;
      else if (kind === 'close' && depth-- === 0) return;
    }
  }

  /** Reads the start tag of the document's root element, which must be `name`. */
  open(name: Uint8Array): void {
    if (this.next() !== 'open' || !this.is(name)) throw new Declined('another root element');
  }

  /** Checks that the end tag just read is `name`'s. */
  closes(name: Uint8Array): void {
    if (!this.is(name)) throw new Declined('an end tag that does not match');
  }

  /** Whether the current name is `name` (bytes, see {@link tagName}). */
  is(name: Uint8Array): boolean {
    const start = this.nameStart;
    if (this.nameEnd - start !== name.length) return false;
    const body = this.body;
    for (let i = 0; i < name.length; i++) if (body[start + i] !== name[i]) return false;
    return true;
  }

  /** The current text, unescaped. */
  text(): string {
    const raw = this.body.toString(this.textAscii ? 'latin1' : 'utf8', this.textStart, this.textEnd);
    return this.textEscaped ? unescapeXml(raw) : raw;
  }

  /** Whether the current text has the same bytes as `[start, end)` of the body. */
  textEquals(start: number, end: number): boolean {
    if (end - start !== this.textEnd - this.textStart) return false;
    const body = this.body;
    for (let i = 0; i < end - start; i++) if (body[start + i] !== body[this.textStart + i]) return false;
    return true;
  }

  /** The current text as a non-negative decimal integer (as S3 writes sizes). */
  integer(): number {
    const body = this.body;
    if (this.textEnd === this.textStart || this.textEnd - this.textStart > 15)
      throw new Declined('not a size');
    let n = 0;
    for (let i = this.textStart; i < this.textEnd; i++) {
      const digit = (body[i] as number) - 0x30;
      if (digit < 0 || digit > 9) throw new Declined('not a size');
      n = n * 10 + digit;
    }
    return n;
  }

  /** The current text as a boolean: `true` or `false`, as S3 writes them. */
  boolean(): boolean {
    const text = this.text();
    if (text !== 'true' && text !== 'false') throw new Declined('not a boolean');
    return text === 'true';
  }

  /** The current text as epoch ms: an RFC 3339 time with a zone, as S3 writes them. */
  time(): number {
    const text = this.text();
    const time = RFC3339.test(text) ? Date.parse(text) : Number.NaN;
    if (!Number.isFinite(time)) throw new Declined('not an RFC 3339 time');
    return time;
  }

  private skipPast(byte: number, from: number): number {
    const body = this.body;
    let i = from;
    while (i < body.length && body[i] !== byte) i++;
    return i + 1;
  }
}

/** Thrown where a body is not the XML S3 sends: the caller declines the page. */
export class Declined extends Error {}

/** `read()`, or undefined when it throws (a page this reader declines). */
export function declining<T>(read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A tag name as the bytes {@link XmlReader.is} compares. */
export const tagName = (name: string): Uint8Array => Buffer.from(name, 'latin1');

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const SPACE = 0x20;
const AMP = 0x26;
const QUESTION = 0x3f;
const BANG = 0x21;

const NAMED: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

export function unescapeXml(s: string): string {
  // An ETag is `&quot;<hex>&quot;`: the one escape found in almost every object.
  if (s.startsWith('&quot;') && s.endsWith('&quot;') && s.indexOf('&', 6) === s.length - 6) {
    return `"${s.slice(6, -6)}"`;
  }
  return s.replace(/&([^;&]*);|&/g, (_, entity: string | undefined) => {
    const named = entity === undefined ? undefined : NAMED.get(entity);
    if (named !== undefined) return named;
    const code = /^#x[0-9a-fA-F]+$/.test(entity ?? '')
      ? Number.parseInt((entity as string).slice(2), 16)
      : /^#[0-9]+$/.test(entity ?? '')
        ? Number((entity as string).slice(1))
        : Number.NaN;
    // Throws beyond U+10FFFF; NaN: an entity XML does not define without a DOCTYPE.
    if (Number.isNaN(code)) throw new Declined('an unknown entity');
    return String.fromCodePoint(code);
  });
}
