// Copies the non-TypeScript files the library loads at run time (.proto, .p4
// includes) next to the compiled JavaScript in dist/.
import { cpSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';

const ASSETS = /\.(proto|p4|json)$/;
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
