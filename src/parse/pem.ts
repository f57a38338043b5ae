/**
 * Reads the PEM text of one bundle field into blocks of DER (RFC 7468), forgiving what is
 * harmless (a UTF-8 BOM, CRLF line ends, spaces at line ends, explanatory text before a
 * block) and refusing the rest with a message that names the field and the fault.
 * No message ever quotes the field's content: it may be a private key.
 */
import { PEM_DEFECTS, type PemDefect } from './pem-defects.js';
import { checkDer } from './der.js';

/** One BEGIN/END block, decoded. */
export interface PemBlock {
  /** The label between BEGIN and END, such as `CERTIFICATE` or `RSA PRIVATE KEY`. */
  label: string;
  /** The decoded base64 body. */
  der: Buffer;
  /** RFC 1421 headers such as `Proc-Type` (legacy encrypted keys), by name. */
  headers: Record<string, string>;
  /** Why the body does not decode; `der` is empty then. Labels are judged before bodies. */
  defect?: PemDefect;
}

/** What reading a field's PEM gave: its blocks and what was forgiven, or the one defect. */
export type PemResult =
  { ok: true; blocks: PemBlock[]; forgiven: string[] } | { ok: false; defect: PemDefect };

const BEGIN = /^-----BEGIN ([^-]*)-----$/;
const END = /^-----END ([^-]*)-----$/;
const HEADER = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/;
const BASE64_LINE = /^[A-Za-z0-9+/=]+$/;

/** Reads the PEM blocks of one field's text. */
export function readPem(field: string, text: string): PemResult {
  const early = screen(field, text);
  if (early) return { ok: false, defect: early };

  const forgiven: string[] = [];
  let body = text;
  if (body.startsWith('\uFEFF')) {
    body = body.slice(1);
    forgiven.push('a UTF-8 byte order mark');
  }
  if (body.includes('\r')) forgiven.push('CRLF line ends');
  const lines = body.split(/\r\n|\r|\n/);
  if (lines.some((line) => /[ \t]+$/.test(line))) forgiven.push('spaces at line ends');

  if (!lines.some((line) => BEGIN.test(line.trim()))) {
    return { ok: false, defect: withoutBegin(field, lines) };
  }
  return scan(
    field,
    lines.map((line) => line.trim()),
    forgiven,
  );
}

/** Faults that show before any line is read: emptiness, encodings, escapes, binary. */
function screen(field: string, text: string): PemDefect | null {
  if (text.trim() === '') return PEM_DEFECTS.empty(field);

  // UTF-16 read as text shows its byte order mark, or NULs between the letters of ASCII.
  if (
    /^(\uFFFE|\u00FF\u00FE|\u00FE\u00FF|\uFFFD\uFFFD)/.test(text) ||
    /^(.\u0000.\u0000|\u0000.\u0000.)/s.test(text)
  ) {
    return PEM_DEFECTS.utf16(field);
  }

  // Binary first: DER bytes may hold a backslash followed by an `n` by chance.
  const binary = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\uFFFD]/.test(
    text.replace(/^\uFEFF/, ''),
  );
  if (binary && !text.includes('-----BEGIN ')) return PEM_DEFECTS.der(field);
  if (/\\n/.test(text)) return PEM_DEFECTS.escapedNewlines(field);
  return null;
}

/** Explains text that holds no BEGIN line at all. */
function withoutBegin(field: string, lines: string[]): PemDefect {
  const content = lines.map((line) => line.trim()).filter((line) => line !== '');
  const end = content.find((line) => END.test(line));
  if (end) return PEM_DEFECTS.footerWithoutHeader(field, END.exec(end)?.[1] ?? '');
  if (content.every((line) => /^\*+$/.test(line))) return PEM_DEFECTS.placeholder(field);
  if (content.every((line) => BASE64_LINE.test(line))) return PEM_DEFECTS.bareBase64(field);
  return PEM_DEFECTS.notPem(field);
}

interface OpenBlock {
  label: string;
  headers: Record<string, string>;
  body: string[];
}

/** Walks the lines: blocks must open, close with the same label, and hold base64. */
function scan(field: string, lines: string[], forgiven: string[]): PemResult {
  const blocks: PemBlock[] = [];
  let open: OpenBlock | null = null;
  let textAfter = false;

  for (const line of lines) {
    const begin = BEGIN.exec(line);
    const end = END.exec(line);

    if (open === null) {
      if (begin) {
        open = { label: begin[1] ?? '', headers: {}, body: [] };
        textAfter = false;
      } else if (end) {
        return { ok: false, defect: PEM_DEFECTS.footerWithoutHeader(field, end[1] ?? '') };
      } else if (line !== '' && blocks.length > 0) {
        textAfter = true;
      }
      continue;
    }

    if (begin) return { ok: false, defect: PEM_DEFECTS.headerWithoutFooter(field, open.label) };
    if (end) {
      if (end[1] !== open.label) {
        const defect = PEM_DEFECTS.mismatchedLabels(field, open.label, end[1] ?? '');
        return { ok: false, defect };
      }
      const closed = closeBlock(field, open);
      const { label, headers } = open;
      blocks.push(
        'der' in closed ? closed : { label, headers, der: Buffer.alloc(0), defect: closed },
      );
      open = null;
      continue;
    }

    const header = HEADER.exec(line);
    if (header && open.body.length === 0) open.headers[header[1] ?? ''] = header[2] ?? '';
    else if (line !== '') open.body.push(line);
  }

  if (open) return { ok: false, defect: PEM_DEFECTS.headerWithoutFooter(field, open.label) };
  const last = blocks[blocks.length - 1]?.label ?? '';
  if (textAfter) return { ok: false, defect: PEM_DEFECTS.trailingText(field, last) };
  return { ok: true, blocks, forgiven };
}

/** Decodes a closed block's base64 and checks that it holds exactly one DER structure. */
function closeBlock(field: string, open: OpenBlock): PemBlock | PemDefect {
  const { label, body } = open;
  if (body.length > 0 && body.every((line) => /^\*+$/.test(line))) {
    return PEM_DEFECTS.placeholder(field);
  }

  const badLine = body.findIndex((line) => !BASE64_LINE.test(line));
  if (badLine >= 0) return PEM_DEFECTS.badBase64(field, label, badLine + 1);

  const base64 = body.join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    return PEM_DEFECTS.badBase64(field, label, misplacedPadding(body));
  }
  if (base64.length === 0) return PEM_DEFECTS.emptyBlock(field, label);
  if (base64.length % 4 !== 0) return PEM_DEFECTS.truncatedBase64(field, label);

  const der = Buffer.from(base64, 'base64');
  const fault = checkDer(der);
  if (fault.kind === 'short')
    return PEM_DEFECTS.truncatedDer(field, label, fault.declared, der.length);
  if (fault.kind === 'long') return PEM_DEFECTS.extraDer(field, label, der.length - fault.declared);
  if (fault.kind === 'bad') return PEM_DEFECTS.notDer(field, label);
  return { label, der, headers: open.headers };
}

/** The 1-based body line holding `=` padding before the end of the base64. */
function misplacedPadding(body: string[]): number {
  const index = body.findIndex(
    (line, i) => line.includes('=') && (i < body.length - 1 || /=[^=]/.test(line)),
  );
  return index + 1;
}
