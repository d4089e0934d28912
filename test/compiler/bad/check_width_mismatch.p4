// stage: check
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> a; bit<16> b; bit<32> c; }
struct headers_t { h_t h; }

control C(inout headers_t hdr) {
    apply {
        hdr.h.b = hdr.h.a + hdr.h.b;
        hdr.h.a = hdr.h.b;
        hdr.h.c = hdr.h.a ++ hdr.h.a;
        hdr.h.a = hdr.h.c[9:0];
        hdr.h.a = hdr.h.a[8:1];
        if (hdr.h.a < hdr.h.c) { hdr.h.a = 0; }
    }
}
