// Copies the compiler's built-in includes (core.p4, v1model.p4) next to the
// compiled JavaScript in dist/. (.proto files are read from kernel-lib/.)
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';

const ASSETS = /\.p4$/;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (ASSETS.test(name)) {
      const out = join('dist', path);
      mkdirSync(dirname(out), { recursive: true });
      cpSync(path, out);
    }
  }
}
walk('kernel-lib');
