// Headless Chromium on a local file: the DOM after rendering, and a screenshot.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';

function run(args: string[]): string {
  const profile = mkdtempSync(path.join(tmpdir(), 'p4lab-rtest-chromium-'));
  try {
    return execFileSync(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, ...args,
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export function dumpDom(file: string): string {
  return run(['--dump-dom', `file://${file}`]);
}

export function screenshot(file: string, png: string, size: [number, number]): void {
  run([`--window-size=${size[0]},${size[1]}`, `--screenshot=${png}`, `file://${file}`]);
}
