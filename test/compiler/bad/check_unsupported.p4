// stage: check
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> a; bit<8> b; }
struct pair_t<T> { T first; T second; }
struct headers_t { h_t h; }

control C(inout headers_t hdr) {
    action_profile(4) prof;
    table t {
        key = { hdr.h.a: exact; }
        actions = { NoAction; }
        implementation = prof;
    }
    apply {
        hdr.h.a = hdr.h.a / hdr.h.b;
        hdr.h.b = hdr.h.a % 3;
        hdr.h.a = 8w7 / 2;
    }
}
