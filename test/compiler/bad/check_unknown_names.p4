// stage: check
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> a; }
struct headers_t { h_t h; }

control C(inout headers_t hdr, inout standard_metadata_t sm) {
    action set(bit<8> v) { hdr.h.b = v; }
    apply {
        hdr.h.a = missing_const;
        undeclared_var = 1;
        sm.egress_spec = nope(3);
        hdr.h.a = error.NoSuchError;
    }
}
