// A content-addressed on-disk cache of compilations, so that starting a
// network whose programs were compiled before never loads the compiler.
// An entry is keyed by the compiler's own code, the program's path and text;
// it records every include path the preprocessor probed (the sha256 of its
// text, or null when absent) and is used only while each still hashes the
// same. Only successful compilations are stored. Any cache failure falls back
// to compiling: the cache never makes a compilation fail.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompileResult } from './index.js';

const FORMAT = 1; // of an entry; part of every key
const MAX_ENTRIES = 256;

type Ok = Extract<CompileResult, { ok: true }>;
interface Entry {
  format: number;
  probes: Array<[path: string, sha256: string | null]>;
  bmv2: Ok['bmv2'];
  p4info: Ok['p4info'];
  diagnostics: Ok['diagnostics'];
  formatted: string;
}

/** compileP4File(path) through the cache in $XDG_CACHE_HOME/p4lab/compile/ (else ~/.cache/p4lab/compile/). */
export async function compileP4FileCached(path: string): Promise<CompileResult> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return (await import('./index.js')).compileP4File(path); // reports the unreadable path its own way
  }
  let dir: string | undefined;
  let key: string | undefined;
  try {
    dir = cacheDir();
    key = sha256([compilerFingerprint(), path, resolve(path), text].join('\0'));
    const hit = lookup(join(dir, `${key}.json`));
    if (hit) return hit;
  } catch {
    // no usable cache: compile
  }
  const probes: Entry['probes'] = [];
  const readFile = (p: string): string | undefined => {
    let t: string | undefined;
    try {
      t = readFileSync(p, 'utf8');
    } catch {
      t = undefined;
    }
    probes.push([resolve(p), t === undefined ? null : sha256(t)]);
    return t;
  };
  const { compileP4 } = await import('./index.js');
  const result = compileP4(text, { file: path, readFile });
  if (result.ok && dir && key) {
    store(dir, key, { format: FORMAT, probes, bmv2: result.bmv2, p4info: result.p4info, diagnostics: result.diagnostics, formatted: result.formatted });
  }
  return result;
}

function cacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'p4lab', 'compile');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

let fingerprint: string | undefined;

/** sha256 of the code that determines the output: the compiler (with its built-in includes), P4Info and BMv2 JSON builders. */
function compilerFingerprint(): string {
  if (fingerprint) return fingerprint;
  const h = createHash('sha256').update(`p4lab compile cache ${FORMAT}\0`);
  for (const rel of ['./', '../p4info/', '../bmv2/']) {
    const root = fileURLToPath(new URL(rel, import.meta.url));
    for (const file of filesUnder(root)) h.update(`${rel}${file}\0`).update(readFileSync(join(root, file))).update('\0');
  }
  fingerprint = h.digest('hex');
  return fingerprint;
}

/** Paths of the files under root (relative to it), sorted. */
function filesUnder(root: string, sub = ''): string[] {
  const out: string[] = [];
  for (const d of readdirSync(join(root, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...filesUnder(root, rel));
    else if (d.isFile() && !/\.(js\.map|d\.ts)$/.test(d.name)) out.push(rel); // dist's maps and declarations change no output
  }
  return out.sort();
}

// P4Info holds bytes (default action arguments) as Uint8Array, which JSON cannot carry.
function toJson(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Uint8Array ? { $bytes: Buffer.from(raw).toString('base64') } : value;
}

function fromJson(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.$bytes === 'string' && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
  }
  return value;
}

function lookup(file: string): Ok | undefined {
  let entry: Entry;
  try {
    entry = JSON.parse(readFileSync(file, 'utf8'), fromJson) as Entry;
  } catch {
    return undefined; // absent or corrupt: recompiled and replaced
  }
  if (entry?.format !== FORMAT || !Array.isArray(entry.probes) || !entry.bmv2 || !entry.p4info || !Array.isArray(entry.diagnostics) || typeof entry.formatted !== 'string') return undefined;
  for (const [path, hash] of entry.probes) {
    let now: string | null;
    try {
      now = sha256(readFileSync(path, 'utf8'));
    } catch {
      now = null;
    }
    if (now !== hash) return undefined;
  }
  try {
    const t = new Date();
    utimesSync(file, t, t); // recently used: pruned last
  } catch {
    // still a hit
  }
  return { ok: true, bmv2: entry.bmv2, p4info: entry.p4info, diagnostics: entry.diagnostics, formatted: entry.formatted };
}

function store(dir: string, key: string, entry: Entry): void {
  const tmp = join(dir, `${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(entry, toJson));
    renameSync(tmp, join(dir, `${key}.json`));
    prune(dir);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // never written
    }
  }
}

/** Keeps at most MAX_ENTRIES entries, removing the least recently used; and temp files of writes that died. */
function prune(dir: string): void {
  const names = readdirSync(dir);
  const entries: Array<{ name: string; mtime: number }> = [];
  for (const name of names) {
    try {
      const mtime = statSync(join(dir, name)).mtimeMs;
      if (name.endsWith('.json')) entries.push({ name, mtime });
      else if (name.endsWith('.tmp') && mtime < Date.now() - 3_600_000) unlinkSync(join(dir, name));
    } catch {
      // removed meanwhile
    }
  }
  if (entries.length <= MAX_ENTRIES) return;
  entries.sort((a, b) => a.mtime - b.mtime);
  for (const { name } of entries.slice(0, entries.length - MAX_ENTRIES)) {
    try {
      unlinkSync(join(dir, name));
    } catch {
      // removed meanwhile
    }
  }
}
