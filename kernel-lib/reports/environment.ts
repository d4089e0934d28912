// What a report records about the machine and the code that ran: versions of
// p4lab (and its git commit), Node, the kernel, Docker and tslab.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { VERSION } from '../version.js';
import type { Manifest } from './manifest.js';

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A path relative to the repository when inside it (reports stay valid in another clone), else absolute. */
export function repoRelative(file: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(PACKAGE_ROOT, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

/** Resolves a path a manifest recorded with repoRelative. */
export function fromRepo(file: string): string {
  return path.isAbsolute(file) ? file : path.join(PACKAGE_ROOT, file);
}

function quiet(argv: string[]): string | undefined {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

function tslabVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'node_modules/tslab/package.json'), 'utf8')) as { version?: string };
    return pkg.version;
  } catch {
    return undefined;
  }
}

export function collectEnvironment(): Pick<Manifest, 'p4lab' | 'environment'> {
  const commit = quiet(['git', 'rev-parse', 'HEAD']);
  const status = commit === undefined ? undefined : quiet(['git', 'status', '--porcelain', '--untracked-files=no']);
  const docker = quiet(['docker', 'version', '--format', '{{.Server.Version}}']);
  const tslab = tslabVersion();
  const osRelease = existsSync('/etc/os-release') ? /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] : undefined;
  return {
    p4lab: { version: VERSION, ...(commit ? { commit, dirty: status !== undefined && status !== '' } : {}) },
    environment: {
      node: process.version,
      kernel: `${os.type()} ${os.release()}`,
      ...(osRelease ? { os: osRelease } : {}),
      ...(docker ? { docker } : {}),
      ...(tslab ? { tslab } : {}),
    },
  };
}
