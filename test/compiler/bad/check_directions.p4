// stage: check
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> a; }
struct headers_t { h_t h; }
const bit<8> LIMIT = 10;

control C(in headers_t hdr, inout standard_metadata_t sm) {
    register<bit<8>>(16) r;
    action a(bit<8> v) { v = 1; }
    apply {
        hdr.h.a = 1;
        LIMIT = 3;
        r.read(5, 0);
        hdr.h.setValid();
        r.write(0, 16w1);
        r.count(1);
    }
}
