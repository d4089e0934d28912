// Programs compiled by p4lab's compiler, pushed through the P4Runtime server:
// the compiler's P4Info must agree with its BMv2 JSON (the server checks every
// name), and a compiled CPU-reflecting program carries packet I/O and digests.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmv2JsonText, compileP4, compileP4File } from '../../kernel-lib/compiler/index.js';
import { startServer, type Controller, type Harness } from './server-harness.js';

const P4_DIR = new URL('../../p4/', import.meta.url);
const programs = readdirSync(P4_DIR).filter((f) => f.endsWith('.p4')).sort();
const ELECTION = { high: 0, low: 1 };
const b = (hex: string) => Buffer.from(hex, 'hex');

const CPU_REFLECT = `
#include <core.p4>
#include <v1model.p4>
header ethernet_t { bit<48> dstAddr; bit<48> srcAddr; bit<16> etherType; }
@controller_header("packet_in") header packet_in_t { bit<9> ingress_port; bit<7> _pad; }
@controller_header("packet_out") header packet_out_t { bit<9> egress_port; bit<7> _pad; }
struct headers { packet_out_t packet_out; packet_in_t packet_in; ethernet_t ethernet; }
struct metadata { }
struct learn_t { bit<48> srcAddr; bit<9> port; }
parser MyParser(packet_in packet, out headers hdr, inout metadata meta, inout standard_metadata_t standard_metadata) {
  state start { transition select(standard_metadata.ingress_port) { 64: parse_out; default: parse_eth; } }
  state parse_out { packet.extract(hdr.packet_out); transition parse_eth; }
  state parse_eth { packet.extract(hdr.ethernet); transition accept; }
}
control MyVerifyChecksum(inout headers hdr, inout metadata meta) { apply { } }
control MyIngress(inout headers hdr, inout metadata meta, inout standard_metadata_t standard_metadata) {
  action set_port(bit<9> port) { standard_metadata.egress_spec = port; }
  action learn() { digest<learn_t>(1, { hdr.ethernet.srcAddr, standard_metadata.ingress_port }); mark_to_drop(standard_metadata); }
  table fwd {
    key = { hdr.ethernet.dstAddr: exact; hdr.ethernet.etherType: ternary; }
    actions = { set_port; learn; }
    default_action = learn();
    size = 64;
  }
  apply {
    if (hdr.packet_out.isValid()) {
      standard_metadata.egress_spec = 64;
      hdr.packet_in.setValid();
      hdr.packet_in.ingress_port = hdr.packet_out.egress_port;
      hdr.packet_out.setInvalid();
    } else {
      fwd.apply();
    }
  }
}
control MyEgress(inout headers hdr, inout metadata meta, inout standard_metadata_t standard_metadata) { apply { } }
control MyComputeChecksum(inout headers hdr, inout metadata meta) { apply { } }
control MyDeparser(packet_out packet, in headers hdr) { apply { packet.emit(hdr.packet_in); packet.emit(hdr.ethernet); } }
V1Switch(MyParser(), MyVerifyChecksum(), MyIngress(), MyEgress(), MyComputeChecksum(), MyDeparser()) main;
`;

let h: Harness;
let controller: Controller;

function push(p4info: object, json: object) {
  return h.unary('SetForwardingPipelineConfig', {
    device_id: 1,
    election_id: ELECTION,
    action: 'VERIFY_AND_COMMIT',
    config: { p4info, p4_device_config: Buffer.from(bmv2JsonText(json as never)) },
  });
}

beforeAll(async () => {
  h = await startServer();
  controller = await h.controller(1);
});

afterAll(async () => {
  await h?.close();
});

describe('P4Runtime server with compiled programs', () => {
  it.each(programs)('accepts the compiled %s with its P4Info', async (file) => {
    const compiled = compileP4File(new URL(file, P4_DIR).pathname, { includeDirs: [new URL('include/', P4_DIR).pathname] });
    if (!compiled.ok) throw new Error(`${file} does not compile:\n${compiled.formatted}`);
    await push(compiled.p4info, compiled.bmv2);
    const { config } = await h.unary('GetForwardingPipelineConfig', { device_id: 1, response_type: 'P4INFO_AND_COOKIE' });
    expect((config.p4info.tables ?? []).map((t: any) => t.preamble.name)).toEqual(compiled.p4info.tables.map((t) => t.preamble.name));
  });

  it('runs packet I/O and digests of a compiled program', async () => {
    const compiled = compileP4(CPU_REFLECT, { file: 'cpu_reflect.p4' });
    if (!compiled.ok) throw new Error(`cpu_reflect.p4 does not compile:\n${compiled.formatted}`);
    await push(compiled.p4info, compiled.bmv2);
    const packetOut = compiled.p4info.controller_packet_metadata.find((m) => m.preamble.name === 'packet_out')!;
    const payload = Buffer.concat([b('ffffffffffff'), b('000000000001'), b('0800')]);
    controller.send({ packet: { payload, metadata: packetOut.metadata.map((m) => ({ metadata_id: m.id, value: m.name === 'egress_port' ? b('0c') : b('00') })) } });
    const packetIn = await controller.next('packet');
    expect(packetIn.payload).toEqual(payload);
    expect(packetIn.metadata[0].value).toEqual(b('0c'));

    const digest = compiled.p4info.digests[0];
    await h.unary('Write', {
      device_id: 1,
      election_id: ELECTION,
      updates: [{ type: 'INSERT', entity: { digest_entry: { digest_id: digest.preamble.id, config: { max_list_size: 1 } } } }],
    });
    h.dataplane.receive(2, Buffer.concat([b('0000000000aa'), b('00000000bbbb'), b('0800'), Buffer.alloc(46)]));
    h.dataplane.service();
    const list = await controller.next('digest');
    expect(list.digest_id).toBe(digest.preamble.id);
    expect(list.data[0].struct.members.map((m: any) => m.bitstring)).toEqual([b('bbbb'), b('02')]);
  });
});
