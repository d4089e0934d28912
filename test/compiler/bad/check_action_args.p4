// stage: check
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> a; }
struct headers_t { h_t h; }

control C(inout headers_t hdr, inout standard_metadata_t sm) {
    action fwd(bit<9> port) { sm.egress_spec = port; }
    action other() { }
    table t {
        key = { hdr.h.a: exact; }
        actions = { fwd; NoAction; }
        default_action = fwd();
        const entries = {
            1 : fwd(1, 2);
            2 : other();
            (3, 4) : NoAction();
        }
    }
    table u {
        key = { hdr.h.a: fuzzy; }
        actions = { missing_action; }
    }
    apply {
        fwd(8w1);
        fwd();
        switch (t.apply().action_run) {
            other: { }
        }
    }
}
