// P4-16 lexer: one file's text → tokens with spans in that file.
// Preprocessor directives are lexed as ordinary tokens; `lineStart` marks the
// first token of a line so the preprocessor can find them.

import type { Span } from './ast.js';
import type { Diagnostics } from './diagnostics.js';

export type TokenKind = 'ident' | 'keyword' | 'int' | 'string' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string; // identifier, keyword or punctuation text; literal source text; decoded value for strings
  span: Span;
  /** First token on its (logical) line: a `#` here starts a directive. */
  lineStart: boolean;
  /** Integer literals: value, and width/signedness when width-prefixed (8w5, 4s3). */
  value?: bigint;
  width?: number;
  signed?: boolean;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'abstract', 'action', 'actions', 'apply', 'bit', 'bool', 'const', 'control', 'default', 'else', 'entries',
  'enum', 'error', 'exit', 'extern', 'false', 'header', 'header_union', 'if', 'in', 'inout', 'int', 'key',
  'match_kind', 'out', 'package', 'parser', 'priority', 'return', 'select', 'state', 'string', 'struct',
  'switch', 'table', 'transition', 'true', 'tuple', 'type', 'typedef', 'value_set', 'varbit', 'void',
]);

// Longest first, so the first match is the right one. `>` is always a token of
// its own: the parser joins adjacent `>` `>` / `>` `=` so that nested type
// arguments (`register<bit<8>>`) close correctly.
const PUNCTUATION = [
  '&&&', '|+|', '|-|', '...',
  '&&', '||', '==', '!=', '<=', '<<', '++', '..', '+:',
  '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '?', ':', ';', ',', '.', '=',
  '(', ')', '{', '}', '[', ']', '@', '#',
];

const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);

/** Tokenise `text` (the original contents of `file`). Always ends with an `eof` token. */
export function lex(file: string, text: string, diags: Diagnostics): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineBegin = 0; // offset where the current line begins
  let atLineStart = true;

  const span = (start: number, end: number, l = line, lb = lineBegin): Span => ({ file, line: l, col: start - lb + 1, start, end });
  const newline = (at: number): void => {
    line++;
    lineBegin = at + 1;
  };

  while (pos < text.length) {
    const c = text.charCodeAt(pos);
    if (c === 10) {
      newline(pos);
      pos++;
      atLineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      pos++;
      continue;
    }
    // A backslash before a newline joins lines (directive continuation).
    if (c === 92 && (text[pos + 1] === '\n' || (text[pos + 1] === '\r' && text[pos + 2] === '\n'))) {
      pos += text[pos + 1] === '\n' ? 1 : 2;
      newline(pos);
      pos++;
      continue;
    }
    if (c === 47 && text[pos + 1] === '/') {
      while (pos < text.length && text.charCodeAt(pos) !== 10) pos++;
      continue;
    }
    if (c === 47 && text[pos + 1] === '*') {
      const start = pos;
      const startSpan = span(start, start + 2);
      pos += 2;
      let closed = false;
      while (pos < text.length) {
        if (text.charCodeAt(pos) === 42 && text[pos + 1] === '/') {
          pos += 2;
          closed = true;
          break;
        }
        if (text.charCodeAt(pos) === 10) newline(pos);
        pos++;
      }
      if (!closed) diags.error(startSpan, 'unterminated comment: add the closing */');
      continue;
    }

    const start = pos;
    const lineStart = atLineStart;
    atLineStart = false;

    if (isIdentStart(c)) {
      while (pos < text.length && isIdentPart(text.charCodeAt(pos))) pos++;
      const word = text.slice(start, pos);
      tokens.push({ kind: KEYWORDS.has(word) ? 'keyword' : 'ident', text: word, span: span(start, pos), lineStart });
      continue;
    }
    if (isDigit(c)) {
      while (pos < text.length && (isIdentPart(text.charCodeAt(pos)))) pos++;
      const literal = text.slice(start, pos);
      const sp = span(start, pos);
      const parsed = parseIntLiteral(literal);
      if (typeof parsed === 'string') {
        diags.error(sp, parsed);
        tokens.push({ kind: 'int', text: literal, span: sp, lineStart, value: 0n });
      } else {
        const { warning, ...value } = parsed;
        if (warning) diags.warning(sp, warning);
        tokens.push({ kind: 'int', text: literal, span: sp, lineStart, ...value });
      }
      continue;
    }
    if (c === 34) {
      const lineOfStart = line;
      const beginOfLine = lineBegin;
      pos++;
      let value = '';
      let closed = false;
      while (pos < text.length) {
        const d = text[pos]!;
        if (d === '"') {
          pos++;
          closed = true;
          break;
        }
        if (d === '\n') newline(pos); // p4c allows line breaks in strings
        if (d === '\\' && pos + 1 < text.length) {
          const e = text[pos + 1]!;
          if (e === '\n') newline(pos + 1);
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          pos += 2;
          continue;
        }
        value += d;
        pos++;
      }
      const sp = span(start, pos, lineOfStart, beginOfLine);
      if (!closed) diags.error({ ...sp, end: start + 1 }, 'unterminated string literal: add the closing "');
      tokens.push({ kind: 'string', text: value, span: sp, lineStart });
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, pos));
    if (punct) {
      pos += punct.length;
      tokens.push({ kind: 'punct', text: punct, span: span(start, pos), lineStart });
      continue;
    }
    pos++;
    diags.error(span(start, pos), `unexpected character '${text[start]}'`);
  }
  tokens.push({ kind: 'eof', text: '', span: span(text.length, text.length), lineStart: true });
  return tokens;
}

interface IntLiteral {
  value: bigint;
  width?: number;
  signed?: boolean;
  warning?: string;
}

const BASES: Record<string, { radix: number; digits: RegExp; name: string }> = {
  x: { radix: 16, digits: /^[0-9a-f_]+$/i, name: 'hexadecimal' },
  b: { radix: 2, digits: /^[01_]+$/, name: 'binary' },
  o: { radix: 8, digits: /^[0-7_]+$/, name: 'octal' },
  d: { radix: 10, digits: /^[0-9_]+$/, name: 'decimal' },
};

/** Value of a P4 integer literal (`1_000`, `0x800`, `8w5`, `4s3`, `16w0xFFFF`), or an error message. */
export function parseIntLiteral(literal: string): IntLiteral | string {
  let body = literal;
  let width: number | undefined;
  let signed: boolean | undefined;
  const prefix = /^([0-9]+)([ws])/.exec(literal);
  if (prefix) {
    width = Number(prefix[1]);
    signed = prefix[2] === 's';
    body = literal.slice(prefix[0].length);
    if (body === '') return `bad integer literal '${literal}': a width prefix needs a value, e.g. 8w5`;
    if (width === 0 && signed) return `bad integer literal '${literal}': a signed literal needs a width of at least 1`;
    if (width > 2048) return `bad integer literal '${literal}': width ${width} is too large`;
  }
  let radix = 10;
  let digits = body;
  const base = /^0([xXbBoOdD])/.exec(body);
  if (base) {
    const b = BASES[base[1]!.toLowerCase()]!;
    radix = b.radix;
    digits = body.slice(2);
    if (digits === '' || !b.digits.test(digits)) {
      return `bad integer literal '${literal}': expected ${b.name} digits after '${body.slice(0, 2)}'`;
    }
  } else if (!/^[0-9][0-9_]*$/.test(body)) {
    return `bad integer literal '${literal}': use digits, 0x/0b/0o/0d prefixes and an optional width such as 8w or 4s`;
  }
  const clean = digits.replace(/_/g, '');
  if (clean === '') return `bad integer literal '${literal}'`;
  let value = 0n;
  const big = BigInt(radix);
  for (const ch of clean.toLowerCase()) value = value * big + BigInt(parseInt(ch, 16));
  if (width === undefined) return { value };
  // As in p4c: the bits of a width-prefixed literal are its value (two's
  // complement when signed); bits beyond the width are dropped with a warning.
  const size = 1n << BigInt(width);
  let bits = value % size;
  const warning = bits === value ? undefined : `integer literal '${literal}' does not fit in ${width} bits: truncated to ${bits}`;
  if (signed && bits >= size >> 1n) bits -= size;
  return { value: bits, width, signed, ...(warning ? { warning } : {}) };
}
