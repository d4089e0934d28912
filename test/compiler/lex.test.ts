// The P4-16 lexer: literals with their values and widths, operators, strings,
// comments, positions; malformed input yields positioned errors.
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../kernel-lib/compiler/diagnostics.js';
import { lex, parseIntLiteral } from '../../kernel-lib/compiler/lexer.js';

function tokens(text: string) {
  const diags = new Diagnostics();
  const list = lex('t.p4', text, diags);
  return { list: list.slice(0, -1), eof: list[list.length - 1]!, diags };
}

describe('lexer', () => {
  it('integer literals: bases, widths, signedness, separators', () => {
    const cases: Array<[string, bigint, number | undefined, boolean | undefined]> = [
      ['0', 0n, undefined, undefined],
      ['1_000', 1000n, undefined, undefined],
      ['0x800', 0x800n, undefined, undefined],
      ['0XfF', 255n, undefined, undefined],
      ['0b1010', 10n, undefined, undefined],
      ['0o17', 15n, undefined, undefined],
      ['0d99', 99n, undefined, undefined],
      ['8w5', 5n, 8, false],
      ['4s3', 3n, 4, true],
      ['16w0xFFFF', 0xffffn, 16, false],
      ['32w0b1_0000', 16n, 32, false],
      ['128w0xffffffffffffffffffffffffffffffff', (1n << 128n) - 1n, 128, false],
    ];
    for (const [text, value, width, signed] of cases) {
      const { list, diags } = tokens(text);
      expect(diags.list).toEqual([]);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ kind: 'int', text, value });
      expect(list[0]!.width).toBe(width);
      expect(list[0]!.signed).toBe(signed);
    }
  });

  it('width-prefixed literals keep their bits: two\'s complement when signed, truncated with a warning when too wide', () => {
    expect(parseIntLiteral('4s8')).toEqual({ value: -8n, width: 4, signed: true });
    expect(parseIntLiteral('8s0b1010_1010')).toEqual({ value: -86n, width: 8, signed: true });
    expect(parseIntLiteral('8s127')).toEqual({ value: 127n, width: 8, signed: true });
    expect(parseIntLiteral('8w256')).toEqual({ value: 0n, width: 8, signed: false, warning: "integer literal '8w256' does not fit in 8 bits: truncated to 0" });
    const { list, diags } = tokens('x = 4w0x1F;');
    expect(list[2]).toMatchObject({ value: 15n, width: 4 });
    expect(diags.hasErrors).toBe(false);
    expect(diags.list.map((d) => `${d.severity} ${d.span.col} ${d.message}`)).toEqual([
      "warning 5 integer literal '4w0x1F' does not fit in 4 bits: truncated to 15",
    ]);
  });

  it('bad literals name the literal and the fix', () => {
    expect(parseIntLiteral('0x')).toBe("bad integer literal '0x': expected hexadecimal digits after '0x'");
    expect(parseIntLiteral('0b12')).toBe("bad integer literal '0b12': expected binary digits after '0b'");
    expect(parseIntLiteral('8w')).toBe("bad integer literal '8w': a width prefix needs a value, e.g. 8w5");
    expect(parseIntLiteral('0s1')).toBe("bad integer literal '0s1': a signed literal needs a width of at least 1");
    expect(parseIntLiteral('12ab')).toMatch(/^bad integer literal '12ab': use digits/);
    const { list, diags } = tokens('x = 0b2;');
    expect(list.map((t) => t.text)).toEqual(['x', '=', '0b2', ';']);
    expect(diags.list.map((d) => `${d.span.line}:${d.span.col}-${d.span.end - d.span.start} ${d.message}`)).toEqual([
      "1:5-3 bad integer literal '0b2': expected binary digits after '0b'",
    ]);
  });

  it('operators: longest match, with > always alone', () => {
    const { list } = tokens('a &&& b .. c |+| d |-| e ++ f && g || h == i != j <= k << l >> m >= n');
    expect(list.filter((t) => t.kind === 'punct').map((t) => t.text)).toEqual([
      '&&&', '..', '|+|', '|-|', '++', '&&', '||', '==', '!=', '<=', '<<', '>', '>', '>', '=',
    ]);
    expect(tokens('1..5').list.map((t) => t.text)).toEqual(['1', '..', '5']);
  });

  it('keywords, identifiers, strings with escapes, annotations', () => {
    const { list } = tokens('@name("a\\"b\\n") control my_ctl _ apply');
    expect(list.map((t) => [t.kind, t.text])).toEqual([
      ['punct', '@'], ['ident', 'name'], ['punct', '('], ['string', 'a"b\n'], ['punct', ')'],
      ['keyword', 'control'], ['ident', 'my_ctl'], ['ident', '_'], ['keyword', 'apply'],
    ]);
  });

  it('comments are skipped; positions count lines and columns (CRLF and tabs too)', () => {
    const { list } = tokens('// line\r\n/* block\n  comment */ a\r\n\tb /* x */ c');
    expect(list.map((t) => `${t.text}@${t.span.line}:${t.span.col}+${t.span.start}${t.lineStart ? '^' : ''}`)).toEqual([
      'a@3:14+31^', 'b@4:2+35^', 'c@4:12+45',
    ]);
  });

  it('marks the first token of each line, and joins lines ending in a backslash', () => {
    const { list } = tokens('#define A \\\n  1\n#x');
    expect(list.map((t) => `${t.text}${t.lineStart ? '^' : ''}`)).toEqual(['#^', 'define', 'A', '1', '#^', 'x']);
  });

  it('unterminated comments and strings, and stray characters, are positioned errors', () => {
    expect(tokens('a /* open').diags.list.map((d) => `${d.span.col} ${d.message}`)).toEqual([
      '3 unterminated comment: add the closing */',
    ]);
    // Strings may span lines (as in p4c), so an unclosed one runs to the end of the file.
    const s = tokens('x = "open\ny');
    expect(s.diags.list.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual([
      '1:5 unterminated string literal: add the closing "',
    ]);
    expect(s.list.map((t) => t.text)).toEqual(['x', '=', 'open\ny']);
    const multi = tokens('"a\nb" c');
    expect(multi.list.map((t) => `${JSON.stringify(t.text)}@${t.span.line}:${t.span.col}`)).toEqual(['"a\\nb"@1:1', '"c"@2:4']);
    expect(tokens('a $ b').diags.list.map((d) => `${d.span.col} ${d.message}`)).toEqual(["3 unexpected character '$'"]);
  });

  it('ends with an eof token at the end of the text', () => {
    expect(tokens('ab\n').eof).toMatchObject({ kind: 'eof', span: { line: 2, col: 1, start: 3 } });
  });
});
