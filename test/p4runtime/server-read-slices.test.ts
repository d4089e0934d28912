// Large Reads over real gRPC: the server checks every entity first, then sends
// the cells in slices of 256 entities (one ReadResponse each), forwarding
// packets between slices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { fixture, rejection, startServer, type Harness } from './server-harness.js';

const REG = 0x16000001;
const CELLS = 4096;
const ELECTION = { high: 0, low: 1 };

let h: Harness;

/** ipv4_router with a 4096-cell register, as the firewall's per-flow state has. */
function program(): { json: Buffer; p4info: Record<string, any> } {
  const { json, p4info } = fixture('ipv4_router');
  const bmv2 = JSON.parse(json.toString('utf8'));
  bmv2.register_arrays = [{ name: 'MyIngress.cells', id: 0, size: CELLS, bitwidth: 32 }];
  p4info.registers = [{ preamble: { id: REG, name: 'MyIngress.cells', alias: 'cells' }, type_spec: { bitstring: { bit: { bitwidth: 32 } } }, size: CELLS }];
  return { json: Buffer.from(JSON.stringify(bmv2)), p4info };
}

/** The ReadResponses of one Read, as they arrive. */
function responses(request: object): Promise<Array<{ entities: any[] }>> {
  return new Promise((resolve, reject) => {
    const out: Array<{ entities: any[] }> = [];
    const call = h.client.Read(request);
    call.on('data', (r: { entities: any[] }) => out.push(r));
    call.on('error', reject);
    call.on('end', () => resolve(out));
  });
}

beforeAll(async () => {
  h = await startServer();
  await h.controller(1);
  const { json, p4info } = program();
  await h.unary('SetForwardingPipelineConfig', { device_id: 1, election_id: ELECTION, action: 'VERIFY_AND_COMMIT', config: { p4info, p4_device_config: json } });
  for (let i = 0; i < CELLS; i++) h.dataplane.registerWrite('MyIngress.cells', i, BigInt(i));
});

afterAll(() => h.close());

describe('P4Runtime server: large reads', () => {
  it('sends a whole register in slices of 256 cells, in index order', async () => {
    const got = await responses({ device_id: 1, entities: [{ register_entry: { register_id: REG } }] });
    expect(got.map((r) => r.entities.length)).toEqual(Array(CELLS / 256).fill(256));
    const cells = got.flatMap((r) => r.entities.map((e) => e.register_entry));
    expect(cells.map((c) => Number(c.index.index))).toEqual(Array.from({ length: CELLS }, (_, i) => i));
    expect(cells[4095].data.bitstring).toEqual(Buffer.from([0x0f, 0xff]));
  });

  it('sends the entities of several requested entities in one stream, in request order', async () => {
    const got = await responses({
      device_id: 1,
      entities: [{ register_entry: { register_id: REG, index: { index: 9 } } }, { register_entry: { register_id: REG } }],
    });
    const cells = got.flatMap((r) => r.entities.map((e) => Number(e.register_entry.index.index)));
    expect(cells).toHaveLength(CELLS + 1);
    expect(cells.slice(0, 3)).toEqual([9, 0, 1]);
  });

  it('refuses the whole Read, before any response, when a later entity is wrong', async () => {
    const out: unknown[] = [];
    const err = await rejection(
      new Promise((resolve, reject) => {
        const call = h.client.Read({ device_id: 1, entities: [{ register_entry: { register_id: REG } }, { register_entry: { register_id: REG, index: { index: CELLS } } }] });
        call.on('data', (r: unknown) => out.push(r));
        call.on('error', reject);
        call.on('end', resolve);
      }),
    );
    expect(err.code).toBe(grpc.status.OUT_OF_RANGE);
    expect(err.details).toMatch(/register MyIngress.cells: index 4096 is outside 0..4095/);
    expect(out).toEqual([]);
  });
});
