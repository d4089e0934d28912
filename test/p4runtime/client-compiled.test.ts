// The client with programs from p4lab's compiler (p4/*.p4): names as the
// compiler's P4Info spells them, a tutorial-style command file, and a
// program-reload migration of the stateful firewall's state between two
// switches (save, fill tables, copy registers, commit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileP4File } from '../../kernel-lib/compiler/index.js';
import { Switch, type CompiledProgram } from '../../kernel-lib/p4runtime/client/index.js';
import { ipv4Frame } from './client-program.js';
import { TestSwitch } from './client-harness.js';

function compile(name: string): CompiledProgram {
  const result = compileP4File(new URL(`../../p4/${name}.p4`, import.meta.url).pathname);
  if (!result.ok) throw new Error(result.formatted);
  return result;
}

const a = new TestSwitch();
const b = new TestSwitch();
let s1: Switch;
let s2: Switch;

beforeAll(async () => {
  await a.start();
  await b.start();
  s1 = await Switch.connect(a.address, { deviceId: 1, name: 's1' });
  s2 = await Switch.connect(b.address, { deviceId: 1, name: 's2' });
});

afterAll(async () => {
  await s1?.close();
  await s2?.close();
  a.stop();
  b.stop();
});

const ROUTES = 'table_add ipv4_lpm set_nhop 10.0.2.0/24 => 00:00:00:00:00:01 00:00:00:00:02:02 2\n';

describe('compiled programs', () => {
  it('ipv4_router: a command file fills the table; packets leave with new MACs and TTL - 1', async () => {
    await s1.push(compile('ipv4_router'));
    await s1.runCommands(ROUTES);
    expect(await s1.tables.ipv4_lpm!.read()).toMatchObject([{ match: { dst_addr: { kind: 'lpm', prefixLen: 24 } }, action: 'MyIngress.set_nhop' }]);
    const [out] = a.inject(1, ipv4Frame('10.0.2.7'));
    expect(out!.port).toBe(2);
    expect(out!.data.subarray(0, 12).toString('hex')).toBe('000000000202000000000001');
    expect(out!.data[22]).toBe(63);
  });

  it('stateful firewall: state read on one switch is loaded into the other before its program is committed', async () => {
    await s1.push(compile('stateful_firewall'));
    await s1.runCommands(ROUTES);
    for (let i = 0; i < 3; i++) a.inject(1, ipv4Frame('10.0.2.7', '10.0.1.1'));
    const packets = await s1.register('fw_packets').readRange();
    const slot = packets.findIndex((n) => n === 3n);
    expect(slot).toBeGreaterThanOrEqual(0);
    await s1.register('fw_blocked').write(slot, 1);
    expect(a.inject(1, ipv4Frame('10.0.2.7', '10.0.1.1'))).toEqual([]);

    // s2 runs the plain router until the firewall's state is in place.
    await s2.push(compile('ipv4_router'));
    await s2.runCommands(ROUTES);
    expect(b.inject(1, ipv4Frame('10.0.2.7', '10.0.1.1')).map((p) => p.port)).toEqual([2]);
    await s2.save(compile('stateful_firewall'));
    await s2.runCommands(ROUTES);
    for (const name of ['fw_blocked', 'fw_last_seen', 'fw_mean_gap', 'fw_packets', 'fw_threshold']) {
      await s2.register(name).writeValues(0, await s1.register(name).readRange());
    }
    await s2.commit();
    expect(await s2.register('fw_packets').read(slot)).toBe(packets[slot]);
    expect(b.inject(1, ipv4Frame('10.0.2.7', '10.0.1.1'))).toEqual([]);
    // Other flows still pass.
    expect(b.inject(1, ipv4Frame('10.0.2.7', '10.0.1.2')).map((p) => p.port)).toEqual([2]);
  });
});
