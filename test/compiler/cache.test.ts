// The on-disk compile cache: a repeated compilation is served from the cache
// with the same result as the compiler's; edited or newly shadowing includes,
// corrupt entries and unusable cache directories lead to a fresh compilation;
// failures are never cached. A hit is seen by a mark planted in the entry.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileP4FileCached } from '../../kernel-lib/compiler/cache.js';
import { compileP4File, type CompileResult } from '../../kernel-lib/compiler/index.js';
import { BUILTIN_INCLUDE_DIR } from '../../kernel-lib/compiler/preprocessor.js';
import { P4_DIR, compileOk, v1 } from './compile-helpers.js';

const MARK = '(served from the cache)';
let tmp = '';
let saved: string | undefined;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), `p4lab-cache-${process.pid % 10000}-`));
  saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = join(tmp, 'xdg');
});
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved;
  rmSync(tmp, { recursive: true, force: true });
});

const cacheDir = () => join(tmp, 'xdg', 'p4lab', 'compile');
const entries = () => (existsSync(cacheDir()) ? readdirSync(cacheDir()).filter((f) => f.endsWith('.json')) : []);

/** Plants MARK in every entry's formatted text: a result carrying it came from the cache. */
function markEntries(): void {
  for (const f of entries()) {
    const path = join(cacheDir(), f);
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), formatted: MARK }));
  }
}

/** The same outputs as the compiler's own compileP4File. */
function expectSame(r: CompileResult, path: string): void {
  const direct = compileOk(compileP4File(path));
  const got = compileOk(r);
  expect(got.bmv2).toStrictEqual(direct.bmv2);
  expect(got.p4info).toStrictEqual(direct.p4info);
  expect(got.diagnostics).toStrictEqual(direct.diagnostics);
}

function write(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe('compile cache', () => {
  it('serves a repeated compilation from the cache, identical to the compiler (P4Info bytes included)', async () => {
    const path = join(P4_DIR, 'l2_forwarder.p4');
    const first = await compileP4FileCached(path);
    expectSame(first, path);
    expect(compileOk(first).formatted).toBe('');
    // flood(1) as default action: P4Info carries bytes, which must survive the JSON entry
    expect(compileOk(first).p4info.tables.some((t) => t.initial_default_action?.arguments?.[0]?.value instanceof Uint8Array)).toBe(true);
    expect(entries()).toHaveLength(1);
    markEntries();
    const second = await compileP4FileCached(path);
    expect(compileOk(second).formatted).toBe(MARK);
    expectSame(second, path);
  });

  it('keys on the path as given, which the BMv2 JSON and diagnostics name', async () => {
    const abs = join(P4_DIR, 'l2_forwarder.p4');
    const rel = relative(process.cwd(), abs);
    expect(compileOk(await compileP4FileCached(abs)).bmv2.program).toBe(abs);
    expect(compileOk(await compileP4FileCached(rel)).bmv2.program).toBe(rel);
    expect(entries()).toHaveLength(2);
  });

  it('recompiles when an included file changes', async () => {
    write('k.p4', 'const bit<8> VAL = 1;\n');
    const main = write('main.p4', v1({ decls: '#include "k.p4"', apply: 'h.t.a = VAL;' }));
    const before = await compileP4FileCached(main);
    expectSame(before, main);
    markEntries();
    expect(compileOk(await compileP4FileCached(main)).formatted).toBe(MARK);
    write('k.p4', 'const bit<8> VAL = 2;\n');
    const after = await compileP4FileCached(main);
    expect(compileOk(after).formatted).toBe('');
    expectSame(after, main);
    expect(compileOk(after).bmv2).not.toEqual(compileOk(before).bmv2);
  });

  it('recompiles when a new file shadows an include found later in the search path', async () => {
    // "v1model.p4" is looked for next to main.p4 first, then among the built-ins.
    const main = write('main.p4', v1({}).replace('#include <v1model.p4>', '#include "v1model.p4"'));
    expectSame(await compileP4FileCached(main), main);
    markEntries();
    expect(compileOk(await compileP4FileCached(main)).formatted).toBe(MARK);
    write('v1model.p4', `#warning "a local v1model.p4"\n${readFileSync(join(BUILTIN_INCLUDE_DIR, 'v1model.p4'), 'utf8')}`);
    const after = await compileP4FileCached(main);
    expect(compileOk(after).formatted).toContain('warning: "a local v1model.p4"');
    expectSame(after, main);
  });

  it('recompiles and replaces a corrupt entry', async () => {
    const path = join(P4_DIR, 'l2_forwarder.p4');
    await compileP4FileCached(path);
    const [name] = entries();
    const entry = join(cacheDir(), name!);
    for (const junk of ['{"format": 1, "probes": [', '{}', 'null', '']) {
      writeFileSync(entry, junk);
      const r = await compileP4FileCached(path);
      expectSame(r, path);
      expect(compileOk(r).formatted).toBe('');
      expect(JSON.parse(readFileSync(entry, 'utf8')).bmv2.program).toBe(path); // replaced by a whole entry
    }
    expect(entries()).toEqual([name]);
    expect(readdirSync(cacheDir())).toEqual([name]); // no temp files left
  });

  it('still compiles when the cache directory cannot be created', async () => {
    process.env.XDG_CACHE_HOME = write('not-a-dir', 'a file where the cache directory would go');
    const path = join(P4_DIR, 'l2_forwarder.p4');
    for (let i = 0; i < 2; i++) expectSame(await compileP4FileCached(path), path);
  });

  it('never caches a failing program, and reports its diagnostics every time', async () => {
    const bad = write('bad.p4', '#include <core.p4>\n#include <v1model.p4>\nconst bit<4> Y = Z;\n');
    for (let i = 0; i < 2; i++) {
      const r = await compileP4FileCached(bad);
      expect(r.ok).toBe(false);
      expect(r.formatted).toContain(`${bad}:3:18: error: unknown name 'Z'`);
      expect(entries()).toEqual([]);
    }
  });

  it('keeps at most 256 entries, removing the least recently used', async () => {
    mkdirSync(cacheDir(), { recursive: true });
    const old = new Date(Date.now() - 86_400_000);
    for (let i = 0; i < 300; i++) {
      const f = join(cacheDir(), `${String(i).padStart(64, '0')}.json`);
      writeFileSync(f, '{}');
      utimesSync(f, old, new Date(old.getTime() + i * 1000));
    }
    const path = join(P4_DIR, 'l2_forwarder.p4');
    await compileP4FileCached(path);
    const left = entries();
    expect(left).toHaveLength(256);
    expect(left).not.toContain(`${String(44).padStart(64, '0')}.json`); // the 45 oldest went
    expect(left).toContain(`${String(45).padStart(64, '0')}.json`);
    markEntries();
    expect(compileOk(await compileP4FileCached(path)).formatted).toBe(MARK); // the new entry stayed
  });
});
