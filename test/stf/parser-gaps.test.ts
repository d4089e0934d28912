// Parser semantics p4c's samples found missing in the engine, proven by
// packets: lookahead wider than 53 bits, lookahead past the end of the packet
// (PacketTooShort) and extract_VL lengths (ParserInvalidArgument when not
// whole bytes, HeaderTooShort past the field's maximum).
import { describe, expect, it } from 'vitest';
import { formatStfResult, runStf } from '../../kernel-lib/stf/index.js';

const PROGRAM = `
#include <core.p4>
#include <v1model.p4>
header res_t { bit<8> err; bit<64> peek; }
header eth_t { bit<48> dst; bit<48> src; bit<16> type; }
header vlen_t { bit<8> len; }
header v_t { varbit<16> opt; }
struct headers_t { res_t res; eth_t eth; vlen_t vlen; v_t v; }
struct meta_t {}
parser P(packet_in pkt, out headers_t h, inout meta_t m, inout standard_metadata_t sm) {
    state start {
        h.res.peek = pkt.lookahead<bit<64>>();
        pkt.extract(h.eth);
        transition select(h.eth.type) {
            1: vl;
            2: peek_far;
            default: accept;
        }
    }
    state vl {
        pkt.extract(h.vlen);
        pkt.extract(h.v, (bit<32>)h.vlen.len);
        transition accept;
    }
    state peek_far {
        transition select(pkt.lookahead<bit<32>>()) {
            0xdeadbeef: accept;
            default: reject;
        }
    }
}
control VC(inout headers_t h, inout meta_t m) { apply { } }
control I(inout headers_t h, inout meta_t m, inout standard_metadata_t sm) {
    apply {
        h.res.setValid();
        if (sm.parser_error == error.NoError) { h.res.err = 0; }
        else if (sm.parser_error == error.PacketTooShort) { h.res.err = 1; }
        else if (sm.parser_error == error.NoMatch) { h.res.err = 2; }
        else if (sm.parser_error == error.HeaderTooShort) { h.res.err = 4; }
        else if (sm.parser_error == error.ParserInvalidArgument) { h.res.err = 6; }
        else { h.res.err = 7; }
        sm.egress_spec = 1;
    }
}
control E(inout headers_t h, inout meta_t m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t h, inout meta_t m) { apply { } }
control D(packet_out pkt, in headers_t h) {
    apply { pkt.emit(h.res); pkt.emit(h.eth); pkt.emit(h.vlen); pkt.emit(h.v); }
}
V1Switch(P(), VC(), I(), E(), CC(), D()) main;
`;

const ETH = '0102030405060708 090a0b0c'; // dst and src; the 64-bit lookahead reads the first 8 bytes
const check = (stf: string) => {
  const r = runStf(PROGRAM, stf, { programFile: 'parser-gaps.p4', stfFile: 'parser-gaps.stf' });
  expect(r.ok, formatStfResult(r)).toBe(true);
};

describe('engine parser gaps, by packets', () => {
  it('reads a 64-bit lookahead exactly', () => {
    check(`packet 0 ${ETH} 0800 aa\nexpect 1 00 0102030405060708 ${ETH} 0800 aa $\n`);
    check(`packet 0 fffffffffffffffe ${ETH.slice(17)} 0800\nexpect 1 00 fffffffffffffffe fffffffffffffffe ${ETH.slice(17)} 0800 $\n`);
  });

  it('fails a lookahead past the end with PacketTooShort', () => {
    // 7 bytes: the 64-bit lookahead cannot be read; the unparsed bytes stay as payload
    check('packet 0 01020304050607\nexpect 1 01 0000000000000000 01020304050607 $\n');
    // 3 bytes after Ethernet: the 32-bit select lookahead cannot be read
    check(`packet 0 ${ETH} 0002 deadbe\nexpect 1 01 0102030405060708 ${ETH} 0002 deadbe $\n`);
    // 4 bytes: it can
    check(`packet 0 ${ETH} 0002 deadbeef\nexpect 1 00 0102030405060708 ${ETH} 0002 deadbeef $\n`);
  });

  it('extract_VL: whole bytes up to the maximum, else ParserInvalidArgument or HeaderTooShort', () => {
    check(`packet 0 ${ETH} 0001 10 abcd ff\nexpect 1 00 0102030405060708 ${ETH} 0001 10 abcd ff $\n`);
    check(`packet 0 ${ETH} 0001 00 ff\nexpect 1 00 0102030405060708 ${ETH} 0001 00 ff $\n`);
    check(`packet 0 ${ETH} 0001 07 abcd\nexpect 1 06 0102030405060708 ${ETH} 0001 07 abcd $\n`);
    check(`packet 0 ${ETH} 0001 18 abcdef\nexpect 1 04 0102030405060708 ${ETH} 0001 18 abcdef $\n`);
    check(`packet 0 ${ETH} 0001 10 ab\nexpect 1 01 0102030405060708 ${ETH} 0001 10 ab $\n`);
  });
});
