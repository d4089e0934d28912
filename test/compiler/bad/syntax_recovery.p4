// stage: parse
#include <core.p4>

header h_t {
    bit<8> a
    bit<8> b;
}

control C(inout h_t h) {
    action set(bit<8> v) {
        h.a = v +;
    }
    apply {
        h.b = 1
        set(2);
        if (h.a == 1 {
            h.b = 3;
        }
    }
}
