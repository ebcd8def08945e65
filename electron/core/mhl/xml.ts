// A small, strict XML reader for the media hash lists this module reads (ASC MHL v2.0 manifests and
// chain files, legacy MHL v1.1). Those files use elements, attributes, text and the predefined
// entities only; a document type declaration is refused, so no entity can expand or reach a file
// or the network (XML 1.0 §2.8, §4.1). Names are kept without their namespace prefix.

/** One element: its local name, attributes (by local name) and children; `text` is its direct text content. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Raised for a document this reader cannot read; the message says where and why. */
export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

// Characters XML 1.0 does not allow in a document, even as a character reference (§2.2 Char, WFC: Legal Character).
const ILLEGAL_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/u;

function legalChar(cp: number, whole: string, at: number): string {
  const c = Number.isInteger(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : null;
  if (c === null || ILLEGAL_CHAR.test(c) || (cp >= 0xd800 && cp <= 0xdfff)) throw new XmlError(`character reference ${whole} is not a legal XML character (near offset ${at})`);
  return c;
}

function decodeText(s: string, at: number): string {
  return s.replace(/&([^;&\s]{1,10});/gu, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return legalChar(parseInt(ref.slice(2), 16), whole, at);
    if (ref.startsWith('#')) return legalChar(parseInt(ref.slice(1), 10), whole, at);
    const v = ENTITIES[ref];
    if (v === undefined) throw new XmlError(`unknown entity ${whole} near offset ${at}`);
    return v;
  });
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/**
 * Parses `text` (XML 1.0, UTF-8 already decoded) to its root element. Comments, processing
 * instructions and the XML declaration are skipped; CDATA sections are text. Throws XmlError for a
 * DOCTYPE, a character XML 1.0 does not allow (a control character, also as a reference), an unknown entity, mismatched or unclosed tags, or text outside the root element.
 */
export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const bad = ILLEGAL_CHAR.exec(text);
  if (bad) throw new XmlError(`character ${bad[0].codePointAt(0)} is not allowed in XML (offset ${bad.index})`);
  while (i < n) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt === -1 ? n : lt);
    if (chunk.length) {
      if (stack.length) stack[stack.length - 1]!.text += decodeText(chunk, i);
      else if (chunk.trim() !== '') throw new XmlError(`text outside the root element at offset ${i}`);
    }
    if (lt === -1) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) throw new XmlError(`unclosed comment at offset ${lt}`);
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1 || !stack.length) throw new XmlError(`bad CDATA section at offset ${lt}`);
      stack[stack.length - 1]!.text += text.slice(lt + 9, end);
      i = end + 3;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) throw new XmlError(`unclosed processing instruction at offset ${lt}`);
      i = end + 2;
    } else if (text.startsWith('<!', lt)) {
      throw new XmlError(`document type declarations are not accepted (offset ${lt})`);
    } else if (text.startsWith('</', lt)) {
      const end = text.indexOf('>', lt);
      if (end === -1) throw new XmlError(`unclosed end tag at offset ${lt}`);
      const name = localName(text.slice(lt + 2, end).trim());
      const open = stack.pop();
      if (!open || open.name !== name) throw new XmlError(`end tag </${name}> does not close <${open?.name ?? '(nothing)'}> at offset ${lt}`);
      i = end + 1;
    } else {
      const m = /^<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/u.exec(text.slice(lt, Math.min(n, lt + 65536)));
      if (!m) throw new XmlError(`malformed tag at offset ${lt}`);
      const el: XmlElement = { name: localName(m[1]!), attrs: {}, children: [], text: '' };
      for (const a of m[2]!.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/gu)) {
        const an = a[1]!;
        if (an === 'xmlns' || an.startsWith('xmlns:')) continue;
        el.attrs[localName(an)] = decodeText(a[2] ?? a[3] ?? '', lt);
      }
      if (stack.length) stack[stack.length - 1]!.children.push(el);
      else if (root) throw new XmlError(`a second root element <${el.name}> at offset ${lt}`);
      else root = el;
      if (!m[3]) stack.push(el);
      i = lt + m[0].length;
    }
  }
  if (stack.length) throw new XmlError(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** The first child element named `name`, or undefined. */
export const child = (el: XmlElement | undefined, name: string): XmlElement | undefined => el?.children.find((c) => c.name === name);

/** Every child element named `name`. */
export const childrenNamed = (el: XmlElement | undefined, name: string): XmlElement[] => el?.children.filter((c) => c.name === name) ?? [];

/** Trimmed text of the first child `name`, or null. */
export const childText = (el: XmlElement | undefined, name: string): string | null => {
  const c = child(el, name);
  return c ? c.text.trim() : null;
};

/** `s` escaped for XML text and attribute values (the five predefined entities). */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/gu, (c) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' } as Record<string, string>)[c]};`);
}
