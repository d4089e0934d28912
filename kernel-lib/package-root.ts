// The p4lab checkout on disk, for the files the library reads and runs (.proto
// declarations, the native addon and tools, P4 programs, containers). Found by
// walking up from this module to p4lab's package.json, so the same code works
// from the sources (tests), from dist/ and from the bundled switch (dist/switch/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'p4lab') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`p4lab: cannot find p4lab's package.json above ${start}`);
    dir = up;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
