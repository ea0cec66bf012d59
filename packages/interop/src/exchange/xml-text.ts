/**
 * XML text for the streaming writers (ODM): element and attribute escaping and a small builder
 * that appends to a string buffer flushed in chunks by the caller. Hand-written rather than
 * xmlbuilder2's callback API so that a 200,000-visit export writes strings only (ADR 0027);
 * every document written in the tests is validated against the official schema, and read back
 * with fast-xml-parser, so an escaping fault would be caught there.
 */

/** A character XML 1.0 does not allow at all (C0 controls but tab, LF, CR; U+FFFE, U+FFFF). */
function hasForbidden(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff)
      return true;
  }
  return false;
}

/** Whether escapeXml has anything to replace or refuse in `text`. */
function needsWork(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // < > & " ' and every C0 control (tab, LF, CR escaped, the others refused), U+FFFE, U+FFFF.
    if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x22 || c === 0x27) return true;
    if (c >= 0xfffe) return true;
  }
  return false;
}

/** Text as XML character data or an attribute value (quotes and line ends escaped too). */
export function escapeXml(text: string): string {
  // Most values (numbers, dates, codes, OIDs) need nothing: one scan, no copy.
  if (!needsWork(text)) return text;
  if (hasForbidden(text))
    throw new RangeError(`a control character cannot be written to XML: ${JSON.stringify(text)}`);
  return text.replace(/[<>&"'\t\n\r]/g, (c) => ENTITIES[c] as string);
}

const ENTITIES: Readonly<Record<string, string>> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
  // In an attribute, a literal tab or line end would be normalised to a space by the reader.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

export type Attributes = Readonly<Record<string, string | number | undefined | null>>;

function attributes(attrs: Attributes): string {
  let out = '';
  for (const name in attrs) {
    const value = attrs[name];
    if (value !== undefined && value !== null) out += ` ${name}="${escapeXml(String(value))}"`;
  }
  return out;
}

/** Two spaces a level, made once (an export writes millions of lines). */
const INDENTS = Array.from({ length: 16 }, (_, depth) => '  '.repeat(depth));
const indentOf = (depth: number): string => INDENTS[depth] ?? '  '.repeat(depth);

/** An XML fragment built by appending; `take()` hands the text so far to the caller. */
export class XmlText {
  private parts: string[] = [];
  private size = 0;
  private readonly open: string[] = [];

  private push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  /** Opens an element that children follow. */
  start(name: string, attrs: Attributes = {}): this {
    this.push(`${indentOf(this.open.length)}<${name}${attributes(attrs)}>\n`);
    this.open.push(name);
    return this;
  }

  end(): this {
    const name = this.open.pop();
    if (name === undefined) throw new RangeError('no element is open');
    this.push(`${indentOf(this.open.length)}</${name}>\n`);
    return this;
  }

  /**
   * A line of markup made by the caller, at the current depth: `markup` must be well formed, its
   * values escaped (escapeXml). For fragments made once and written many times (an ItemData's
   * element and ItemOID before its value).
   */
  line(markup: string): this {
    this.push(`${indentOf(this.open.length)}${markup}\n`);
    return this;
  }

  /** An element without children, or with text content. */
  leaf(name: string, attrs: Attributes = {}, text?: string): this {
    const indent = indentOf(this.open.length);
    this.push(
      text === undefined
        ? `${indent}<${name}${attributes(attrs)}/>\n`
        : `${indent}<${name}${attributes(attrs)}>${escapeXml(text)}</${name}>\n`,
    );
    return this;
  }

  /** A `TranslatedText` wrapped in `name` (Question, Decode, Symbol, ...). */
  translated(name: string, text: string, lang = 'en'): this {
    return this.start(name).leaf('TranslatedText', { 'xml:lang': lang }, text).end();
  }

  /** Characters written since the last take(). */
  get length(): number {
    return this.size;
  }

  /** The text written since the last take(). */
  take(): string {
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return text;
  }

  /** Elements still open, innermost last (to continue a document in another builder). */
  get depth(): number {
    return this.open.length;
  }

  /** Continues at this depth (a chunk written inside elements opened elsewhere). */
  static at(depth: number): XmlText {
    const text = new XmlText();
    for (let i = 0; i < depth; i++) text.open.push('');
    return text;
  }
}
