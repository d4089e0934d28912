// Writes in which many updates fail, over real gRPC: the per-update errors
// must come back (a gRPC trailer past ~60 KB would be lost and the call would
// hang), or, for a single Write too large for them, a status saying so.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Switch } from '../../kernel-lib/p4runtime/client/index.js';
import type { Update } from '../../kernel-lib/p4runtime/client/wire.js';
import { P4RuntimeWriteError } from '../../kernel-lib/p4runtime/errors.js';
import { decodeMessage, p4runtimeClientConstructor, unpackAny } from '../../kernel-lib/p4runtime/proto.js';
import { bmv2, p4info } from './client-program.js';
import { TestSwitch } from './client-harness.js';

const ts = new TestSwitch();
let sw: Switch;
let raw: grpc.Client;

beforeAll(async () => {
  await ts.start();
  sw = await Switch.connect(ts.address, { deviceId: 1, electionId: 1 });
  await sw.push({ p4info, bmv2 });
  raw = new (p4runtimeClientConstructor())(ts.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  raw?.close();
  await sw?.close();
  ts.stop();
});

const N = 2000;
const specs = Array.from({ length: N }, (_, i) => ({ match: { dstAddr: `12.${i >> 8}.${i & 255}.0/24` }, action: 'drop' }));

/** Deletes of entries never inserted: every update fails with NOT_FOUND. */
function missing(count: number): Update[] {
  const t = sw.table('ipv4_lpm');
  return specs.slice(0, count).map((s) => t.update('DELETE', s));
}

/** One Write with every update, as a controller that does not split batches sends it. */
function writeOnce(updates: Update[]): Promise<grpc.ServiceError> {
  const request = { device_id: '1', election_id: { high: '0', low: '1' }, updates };
  const write = (raw as unknown as Record<string, (r: unknown, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null) => void) => void>).Write!.bind(raw);
  return new Promise((resolve, reject) =>
    write(request, { deadline: Date.now() + 30_000 }, (err) => (err ? resolve(err) : reject(new Error('the Write succeeded')))),
  );
}

interface P4Error {
  canonical_code?: number;
  message?: string;
}

function perUpdateErrors(err: grpc.ServiceError): P4Error[] {
  const raw = err.metadata.get('grpc-status-details-bin')[0] as Buffer;
  expect(raw.length).toBeLessThanOrEqual(48 * 1024); // the switch's bound, well below what grpc-js takes
  const status = decodeMessage<{ details?: Array<{ type_url?: string; value?: Buffer }> }>('google.rpc.Status', raw);
  return (status.details ?? []).map((any) => unpackAny<P4Error>(any, 'p4.v1.Error')!);
}

describe('writes where many updates fail', () => {
  it(`the client reports each of ${N} failed updates with its index, code and message`, async () => {
    const err = (await sw.write(missing(N)).catch((e: unknown) => e)) as P4RuntimeWriteError;
    expect(err).toBeInstanceOf(P4RuntimeWriteError);
    expect(err.total).toBe(N);
    expect(err.failures).toHaveLength(N);
    err.failures.forEach((f, i) => {
      expect(f).toMatchObject({ index: i, type: 'DELETE', code: 'NOT_FOUND' });
      expect(f.message).toMatch(/MyIngress\.ipv4_lpm/);
    });
  });

  it('one Write of 1000 failing updates carries 1000 errors; messages that do not fit are left out, and it says so', async () => {
    const err = await writeOnce(missing(1000));
    expect(err.code).toBe(grpc.status.UNKNOWN);
    const errors = perUpdateErrors(err);
    expect(errors).toHaveLength(1000);
    for (const e of errors) expect(e.canonical_code).toBe(grpc.status.NOT_FOUND);
    expect(errors[0]!.message).toMatch(/MyIngress\.ipv4_lpm/);
    expect(errors[999]!.message ?? '').toBe('');
    expect(err.details).toMatch(/^1000 of 1000 updates failed; first: .*messages of the last \d+ failures left out to fit the gRPC reply/);
  });

  it(`one Write of ${N} failing updates answers RESOURCE_EXHAUSTED, telling the client to split it`, async () => {
    const err = await writeOnce(missing(N));
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(err.details).toMatch(new RegExp(`^${N} of ${N} updates failed; first: .*send at most \\d+ updates per Write`));
  });
});
