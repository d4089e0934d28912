// Loads .proto declarations into a protobufjs Root. Parsing the P4Runtime tree
// costs ~20 ms of CPU, paid by every switch process and client; the parsed form
// is kept as a JSON descriptor in build/proto/, named by a hash of the .proto
// texts, so later processes only read it (~5 ms). A missing, stale or
// unwritable cache only means parsing again.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';
import { PACKAGE_ROOT } from '../package-root.js';

const CACHE_DIR = join(PACKAGE_ROOT, 'build', 'proto');

/** The declarations `files` (relative to dir) import, all types resolved. */
export function loadProtoRoot(dir: string, files: string[]): protobuf.Root {
  const cached = join(CACHE_DIR, `${treeHash(dir, files)}.json`);
  try {
    const root = protobuf.Root.fromJSON(JSON.parse(readFileSync(cached, 'utf8')) as protobuf.INamespace);
    root.resolveAll();
    return root;
  } catch {
    // not cached yet (or unreadable): parse below
  }
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(dir, target));
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const temp = `${cached}.${process.pid}`;
    writeFileSync(temp, JSON.stringify(root.toJSON()));
    renameSync(temp, cached); // atomic: processes starting together may all write it
  } catch {
    // a read-only checkout: parse every time
  }
  return root;
}

/** A hash of the entry files and every .proto under dir (names and texts). */
function treeHash(dir: string, files: string[]): string {
  const hash = createHash('sha256').update(files.join('\n')).update('\0');
  const all = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.proto')).sort();
  for (const f of all) hash.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  return hash.digest('hex').slice(0, 32);
}
