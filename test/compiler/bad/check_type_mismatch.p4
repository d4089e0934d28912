// stage: check
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> a; bit<16> b; bool flag; }
struct headers_t { h_t h; }

control C(inout headers_t hdr) {
    apply {
        if (hdr.h.a) { hdr.h.a = 1; }
        hdr.h.flag = 1;
        hdr.h.a = true;
        bool ok = hdr.h.a == hdr.h.flag;
        hdr.h.a = !hdr.h.a;
        hdr.h.b = (int<8>)hdr.h.a;
    }
}
