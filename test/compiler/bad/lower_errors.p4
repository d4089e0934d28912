// stage: check
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> a; bit<8> b; }
header odd_t { bit<7> x; }
struct headers_t { h_t h; odd_t odd; }
struct meta_t { bit<8> x; }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition select(hdr.h.a) {
            1 .. 5: accept;
            default: accept;
        }
    }
}
control V(inout headers_t hdr, inout meta_t meta) { apply { } }
control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action maybe_drop() {
        if (hdr.h.a == 0) { exit; }
    }
    table t {
        key = { hdr.h.a: exact; }
        actions = { maybe_drop; NoAction; }
    }
    apply {
        t.apply();
        if (t.apply().hit) { meta.x = 1; }
        hash(meta.x, HashAlgorithm.random, 8w0, { hdr.h.a }, 8w16);
    }
}
control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control K(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        if (hdr.h.a == 1) { pkt.emit(hdr.h); }
    }
}
V1Switch(P(), V(), I(), E(), K(), D()) main;
