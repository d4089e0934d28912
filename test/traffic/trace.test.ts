// The trace format: round trip through writer and readers, streaming in
// chunks, a truncated last record, and files that are not traces.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrace, readTraceHeader, streamTrace } from '../../kernel-lib/traffic/trace-reader.js';
import { writeTrace } from '../../kernel-lib/traffic/trace-writer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'p4lab-tr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ORIGIN = 1_795_000_000_123_456_789n;
const N = 150_000; // more than two read chunks

async function sample(name: string): Promise<string> {
  const file = path.join(dir, name);
  const idx = Array.from({ length: N }, (_, i) => i);
  await writeTrace(file, {
    kind: 'recv', createdNs: ORIGIN - 5n, originNs: ORIGIN,
    flow: idx.map((i) => i % 7), seq: idx.map((i) => (2 ** 32 - 10 + i) % 2 ** 32), size: idx.map((i) => 20 + (i % 1000)),
    tx_ns: idx.map((i) => i * 1000 - 3), rx_ns: idx.map((i) => i * 1000 + 2 ** 33 + 1),
  });
  return file;
}

describe('traces', () => {
  it('round-trips every field, with times exact to the nanosecond', async () => {
    const file = await sample('a.trace');
    expect(await readTraceHeader(file)).toEqual({ kind: 'recv', createdNs: ORIGIN - 5n });
    const t = await readTrace(file, { originNs: ORIGIN });
    expect(t.length).toBe(N);
    expect(t.truncatedBytes).toBe(0);
    for (const i of [0, 1, 65535, 65536, N - 1]) {
      expect([t.flow[i], t.seq[i], t.size[i], t.tx_ns[i], t.rx_ns[i]])
        .toEqual([i % 7, (2 ** 32 - 10 + i) % 2 ** 32, 20 + (i % 1000), i * 1000 - 3, i * 1000 + 2 ** 33 + 1]);
    }
    // The default origin is the trace's creation time.
    expect((await readTrace(file)).tx_ns[0]).toBe(2);
  });

  it('streams the same records in chunks', async () => {
    const file = await sample('b.trace');
    const whole = await readTrace(file, { originNs: ORIGIN });
    let at = 0, chunks = 0;
    for await (const c of streamTrace(file, { originNs: ORIGIN })) {
      expect(Array.from(c.seq)).toEqual(Array.from(whole.seq.subarray(at, at + c.length)));
      expect(Array.from(c.rx_ns)).toEqual(Array.from(whole.rx_ns.subarray(at, at + c.length)));
      at += c.length;
      chunks++;
    }
    expect(at).toBe(N);
    expect(chunks).toBeGreaterThan(1);
  });

  it('ignores a partial last record (a writer killed mid-write) and says so', async () => {
    const file = await sample('c.trace');
    appendFileSync(file, Buffer.alloc(13));
    const t = await readTrace(file);
    expect(t.length).toBe(N);
    expect(t.truncatedBytes).toBe(13);
  });

  it('rejects files that are not traces, or of another version, naming the file', async () => {
    const junk = path.join(dir, 'junk');
    writeFileSync(junk, 'x'.repeat(100));
    await expect(readTrace(junk)).rejects.toThrow(`${junk} is not a p4lab trace`);
    const file = await sample('d.trace');
    const bytes = readFileSync(file);
    bytes.writeUInt16LE(2, 8);
    writeFileSync(file, bytes);
    await expect(readTrace(file)).rejects.toThrow(/trace version 2 .* is not the version 1/);
  });
});
