// `p4lab analyze` on synthetic traces, through the built CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeTrace } from '../../kernel-lib/traffic/trace-writer.js';

const BIN = fileURLToPath(new URL('../../bin/p4lab.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/kernel-lib/cli/commands/analyze.js', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'p4lab-an-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORIGIN = 1_763_700_000_000_000_000n;
const p4lab = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe.skipIf(!existsSync(BUILT))('p4lab analyze', () => {
  it('prints per-flow results and writes the tables', async () => {
    const n = 100;
    const seq = Array.from({ length: n }, (_, i) => i);
    const tx = seq.map((i) => i * 1e6);
    const send = path.join(dir, 's.trace'), recv = path.join(dir, 'r.trace');
    await writeTrace(send, { kind: 'send', createdNs: ORIGIN, originNs: ORIGIN, flow: seq.map(() => 9), seq, size: seq.map(() => 64), tx_ns: tx });
    const kept = seq.filter((i) => i % 10 !== 0); // 10 lost
    await writeTrace(recv, {
      kind: 'recv', createdNs: ORIGIN, originNs: ORIGIN, flow: kept.map(() => 9), seq: kept, size: kept.map(() => 64),
      tx_ns: kept.map((i) => tx[i]!), rx_ns: kept.map((i) => tx[i]! + 2e6),
    });
    const out = path.join(dir, 'out');
    const r = p4lab('analyze', recv, '--sent', send, '--out', out);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]!.trim().split(/\s{2,}/)).toEqual(['flow', 'sent', 'received', 'lost', 'loss %', 'dup', 'reord', 'p50 ms', 'p99 ms', 'max ms', 'jitter ms']);
    expect(lines[1]!.trim().split(/\s+/)).toEqual(['9', '100', '90', '10', '10.000', '0', '0', '2.000', '2.000', '2.000', '0.000']);
    for (const t of ['packets', 'flows', 'series', 'outages']) expect(existsSync(path.join(out, `${t}.csv`))).toBe(true);
    expect(readFileSync(path.join(out, 'packets.csv'), 'utf8').split('\n').filter(Boolean)).toHaveLength(101);
  });

  it('names the bad file without a stack trace', () => {
    const bad = path.join(dir, 'bad.trace');
    writeFileSync(bad, 'not a trace');
    const r = p4lab('analyze', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad} is not a p4lab trace`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
