// A report from a short real run of the quickstart notebook: every file is
// there, the manifest validates, the Arrow trace reads back, the HTML renders
// in headless Chromium with its plots drawn; `p4lab replay` reproduces the
// headline metrics within their stated tolerances, and `p4lab diff` shows
// what differs.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromArrow } from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupNetwork } from '../../kernel-lib/emulation/index.js';
import { runNotebook } from '../../kernel-lib/notebooks/runner.js';
import { readManifest } from '../../kernel-lib/reports/manifest.js';
import { sha256 } from '../../kernel-lib/reports/environment.js';
import { CHROMIUM, dumpDom, screenshot } from './chromium.js';
import { readPng } from './png.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/p4lab.js');
const NOTEBOOK = path.join(ROOT, 'notebooks/01-quickstart.ipynb');
const NET = 'rtest-report';
const missing =
  process.getuid?.() !== 0 ? 'network namespaces need root'
  : !existsSync('/usr/local/share/jupyter/kernels/tslab/kernel.json') ? 'the tslab Jupyter kernel is not installed (npm run setup)'
  : !existsSync(path.join(ROOT, 'build/bin/p4lab-send')) ? 'the traffic tools are not built (npm run setup)'
  : null;

const tmp = mkdtempSync(path.join(tmpdir(), 'p4lab-rtest-'));
const A = path.join(tmp, 'a');
const B = path.join(tmp, 'b');

function p4lab(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmp, timeout: 600_000 });
}

beforeAll(async () => {
  if (missing) return;
  await cleanupNetwork(NET);
  await runNotebook(NOTEBOOK, { params: { duration_s: 2, network: NET }, reportDir: A, timeout_s: 300 });
}, 600_000);

afterAll(async () => {
  if (!missing) await cleanupNetwork(NET);
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(missing)(`a report of the quickstart${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('has every file, a valid manifest, and data that reads back', () => {
    for (const f of ['report.html', 'manifest.json', 'notebook.ipynb', 'data/packets.arrow', 'data/flows.csv', 'data/flow_summary.csv', 'data/events.jsonl']) {
      expect(existsSync(path.join(A, f)), f).toBe(true);
    }
    const m = readManifest(A);
    expect(m.params).toEqual({ rate_pps: 1000, duration_s: 2, extra_delay_ms: 20, network: NET });
    expect(m.notebook!.path).toBe('notebooks/01-quickstart.ipynb');
    expect(m.programs.map((p) => p.path)).toEqual(['p4/ipv4_router.p4']);
    expect(m.programs[0]!.sha256).toBe(sha256(readFileSync(path.join(ROOT, 'p4/ipv4_router.p4'), 'utf8')));
    expect(m.backend).toEqual({ switches: ['p4lab'], hosts: ['netns'] });
    expect(m.topology!.nodes.map((n) => n.name).sort()).toEqual(['h1', 'h2', 's1', 's2']);
    // Four routes written, read back from the switches, and one delay change on the timeline.
    expect(m.events.filter((e) => e.kind === 'table_write')).toHaveLength(4);
    expect(m.table_entries.flatMap((t) => t.entries)).toHaveLength(4);
    expect(m.impairments).toHaveLength(1);
    expect(m.impairments[0]!.detail).toMatchObject({ link: 's1-s2', delay_ms: 21 });
    expect(Object.keys(m.metrics).sort()).toEqual(['latency_after_ms', 'latency_before_ms', 'loss_pct', 'packets_sent']);
    expect(m.metrics.packets_sent!.value).toBe(2000);
    // The link change shows in the latency: about 20 ms more after it.
    expect(m.metrics.latency_after_ms!.value - m.metrics.latency_before_ms!.value).toBeGreaterThan(15);
    for (const f of m.files) expect(sha256(readFileSync(path.join(A, f.name))), f.name).toBe(f.sha256);

    const packets = fromArrow(readFileSync(path.join(A, 'data/packets.arrow')));
    expect(packets.numRows()).toBe(2000);
    expect(packets.columnNames()).toEqual(expect.arrayContaining(['flow', 'seq', 'tx_ns', 'rx_ns', 'latency_ns', 'lost']));
  });

  it.skipIf(!existsSync(CHROMIUM))('renders in headless Chromium with every plot drawn', () => {
    const html = path.join(A, 'report.html');
    const dom = dumpDom(html);
    // The topology drawing and the latency plot, inline, with their marks.
    expect(dom.match(/<svg[\s>]/g)?.length).toBe(2);
    expect(dom).toContain(`<title>${NET}</title>`);
    expect(dom).toContain('One-way latency h1 → h2');
    expect((dom.match(/<path[^>]*class="[^"]*"|role-mark|mark-symbol/g) ?? []).length).toBeGreaterThan(0);
    expect(dom).not.toMatch(/<script/i);

    const png = path.join(tmp, 'report.png');
    screenshot(html, png, [1100, 2000]);
    const img = readPng(readFileSync(png));
    let nonWhite = 0, blue = 0;
    for (let i = 0; i < img.data.length; i += img.channels) {
      const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
      if (r < 240 || g < 240 || b < 240) nonWhite++;
      if (b > 140 && r < 120 && b - r > 60) blue++; // vega's default mark colour (#4c78a8)
    }
    expect(nonWhite / (img.width * img.height)).toBeGreaterThan(0.02);
    expect(blue).toBeGreaterThan(500); // the latency points are drawn
  });

  it('replays from the manifest alone, within the stated tolerances', () => {
    const r = p4lab(['replay', A, '--out', B]);
    expect(r.stderr).not.toContain('internal error');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    for (const name of ['latency_before_ms (ms)', 'latency_after_ms (ms)', 'loss_pct (%)', 'packets_sent (packets)']) {
      expect(r.stdout).toMatch(new RegExp(`^${name.replace(/[()%]/g, '\\$&')}\\s+\\S+\\s+\\S+\\s+.*\\bok$`, 'm'));
    }
    expect(readManifest(B).params).toEqual(readManifest(A).params);
  });

  it('diffs two reports: metrics, parameters, programs', () => {
    const r = p4lab(['diff', A, B]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^metric\s+\S+\s+\S+\s+difference/m);
    expect(r.stdout).toContain('parameters: same');
    expect(r.stdout).toContain('P4 programs (sha256): same');
  });

  it('refuses a damaged manifest with the field to fix', () => {
    const bad = path.join(tmp, 'bad');
    execFileSync('cp', ['-r', A, bad]);
    const m = JSON.parse(readFileSync(path.join(bad, 'manifest.json'), 'utf8'));
    writeFileSync(path.join(bad, 'manifest.json'), JSON.stringify({ ...m, version: 99 }));
    const r = p4lab(['diff', A, bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/manifest version 99 is not supported/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
