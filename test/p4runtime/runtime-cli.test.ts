// BMv2 runtime-CLI command files, as the tutorials and FOP4 write them,
// translated to P4Runtime over real gRPC and checked by reading back and by
// packets through the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Switch } from '../../kernel-lib/p4runtime/client/index.js';
import { CLI_PRIORITY_BASE } from '../../kernel-lib/p4runtime/runtime-cli.js';
import { P4labError } from '../../kernel-lib/errors.js';
import { bmv2, ipv4Frame, p4info } from './client-program.js';
import { TestSwitch } from './client-harness.js';

const ts = new TestSwitch();
let sw: Switch;

beforeAll(async () => {
  await ts.start();
  sw = await Switch.connect(ts.address, { deviceId: 1 });
});

afterAll(async () => {
  await sw?.close();
  ts.stop();
});

const COMMANDS = `
# s1-commands.txt, tutorial style
table_set_default ipv4_lpm drop
table_add ipv4_lpm ipv4_forward 10.0.1.1/32 => 08:00:00:00:01:11 1
table_add MyIngress.ipv4_lpm MyIngress.ipv4_forward 10.0.2.0/24 => 08:00:00:00:02:22 2   # trailing comment

table_add acl clone_it 0x0800&&&0xffff => 7 1
mirroring_add 7 4
register_write pkt_count 3 9
register_read pkt_count 3
counter_read port_counter 1
mc_mgrp_create 1
mc_node_create 0 2 3
mc_node_create 1 5
mc_node_associate 1 0
mc_node_associate 1 1
table_add ipv4_lpm set_mcast 10.5.0.0/16 => 1
meter_set_rates port_meter 2 0.0001:10 0.0002:20
table_modify ipv4_lpm ipv4_forward 1 08:00:00:00:02:33 6
table_delete ipv4_lpm 0
table_num_entries ipv4_lpm
`;

describe('runCommands', () => {
  it('translates a command file to P4Runtime writes', async () => {
    await sw.push({ p4info, bmv2 });
    const results = await sw.runCommands(COMMANDS, 's1-commands.txt');
    expect(results.map((r) => r.line)).toEqual([3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(results.find((r) => r.command.startsWith('register_read'))!.output).toBe('MyIngress.pkt_count[3]= 9');
    expect(results.find((r) => r.command.startsWith('counter_read'))!.output).toBe('MyIngress.port_counter[1]= (0 bytes, 0 packets)');
    expect(results.find((r) => r.command.startsWith('table_add ipv4_lpm ipv4_forward'))!.output).toBe('Entry has been added with handle 0');
    expect(results.at(-1)!.output).toBe('2');

    const entries = await sw.table('ipv4_lpm').read();
    expect(entries.map((e) => [e.match['hdr.ipv4.dstAddr'], e.action, e.params])).toEqual(
      expect.arrayContaining([
        [{ kind: 'lpm', value: 0x0a000200n, prefixLen: 24 }, 'MyIngress.ipv4_forward', { dstAddr: 0x080000000233n, port: 6n }],
        [{ kind: 'lpm', value: 0x0a050000n, prefixLen: 16 }, 'MyIngress.set_mcast', { grp: 1n }],
      ]),
    );
    const [acl] = await sw.table('acl').read();
    expect(acl).toMatchObject({ priority: CLI_PRIORITY_BASE - 1, params: { session: 7n } });
    expect((await sw.multicastGroups.read()).get(1)).toEqual([{ port: 2, instance: 0 }, { port: 3, instance: 0 }, { port: 5, instance: 1 }]);
    expect(await sw.cloneSessions.read()).toMatchObject([{ session: 7, replicas: [{ port: 4 }] }]);
    expect(await sw.meter('port_meter').read(2)).toEqual({ cir: 100n, cburst: 10n, pir: 200n, pburst: 20n });

    // Packets: the modified route plus its clone; the deleted /32 now hits the default (drop) but is still cloned.
    expect(ts.inject(1, ipv4Frame('10.0.2.7')).map((p) => p.port).sort()).toEqual([4, 6]);
    expect(ts.inject(1, ipv4Frame('10.0.1.1')).map((p) => p.port)).toEqual([4]);
    expect(ts.inject(1, ipv4Frame('10.5.0.1')).map((p) => p.port).sort()).toEqual([2, 3, 4, 5]);
    expect(await sw.register('pkt_count').read(1)).toBe(3n);

    await sw.runCommands('table_clear ipv4_lpm\nregister_reset pkt_count\ncounter_reset port_counter\nmirroring_delete 7\nmc_mgrp_destroy 1');
    expect(await sw.table('ipv4_lpm').read()).toEqual([]);
    expect(await sw.register('pkt_count').read(3)).toBe(0n);
  });

  it('errors name the line, the command and the cause', async () => {
    const fail = (text: string) => sw.runCommands(text, 'cmds.txt').then(() => undefined, (e: unknown) => e as P4labError);
    const unknownTable = await fail('table_set_default ipv4_lpm drop\ntable_add ipv4_lmp drop 10.0.0.0/8 =>');
    expect(unknownTable).toBeInstanceOf(P4labError);
    expect(unknownTable!.message).toBe("cmds.txt line 2: table_add ipv4_lmp drop 10.0.0.0/8 =>: no table named 'ipv4_lmp'");
    expect(unknownTable!.hint).toMatch(/did you mean 'MyIngress.ipv4_lpm'/);
    expect((await fail('table_add ipv4_lpm ipv4_forward 10.0.0.0/8 10.0.0.1 => 1 2'))!.message).toMatch(
      /line 1: .*table MyIngress\.ipv4_lpm has 1 key field\(s\) \(hdr\.ipv4\.dstAddr\), got 2/,
    );
    expect((await fail('table_add ipv4_lpm ipv4_forward 10.0.0.0/8 => 1'))!.message).toMatch(/takes 2 parameter\(s\) \(dstAddr, port\), got 1 value\(s\) after '=>'/);
    expect((await fail('table_add ipv4_lpm ipv4_forward 10.0.0.0/8 => 00:00:00:00:00:01 999'))!.message).toMatch(
      /line 1: .*param port: '999' is not valid: expected a value that fits in 9 bits/,
    );
    expect((await fail('table_add acl learn 0x800&&&0xffff =>'))!.message).toMatch(/then a priority, got 0 value/);
    const unknown = await fail('\n\ntable_ad ipv4_lpm drop');
    expect(unknown!.message).toBe("cmds.txt line 3: table_ad ipv4_lpm drop: unknown command 'table_ad'");
    expect(unknown!.hint).toMatch(/did you mean table_add/);
    expect((await fail('table_delete ipv4_lpm 99'))!.message).toMatch(/has no entry with handle 99/);
    expect((await fail('mc_node_associate 9 0'))!.message).toMatch(/multicast group 9 was not created/);
    expect((await fail('register_write pkt_count 99 1'))!.message).toMatch(/line 1: register_write pkt_count 99 1: register MyIngress\.pkt_count, index: 99 is not valid/);
    // The in-test switch serves P4Runtime only, as a BMv2 would: the queue commands say what to do.
    const queue = await fail('set_queue_rate 100 1');
    expect(queue!.message).toMatch(/^cmds\.txt line 1: set_queue_rate 100 1: switch .* has no p4lab target service/);
    expect(queue!.hint).toMatch(/thrift: \{ port: 9090 \}/);
    const dup = await fail('table_add ipv4_lpm drop 10.9.0.0/16 =>\ntable_add ipv4_lpm drop 10.9.0.0/16 =>');
    expect(dup!.message).toMatch(/^cmds\.txt line 2: .*ALREADY_EXISTS/s);
  });
});
