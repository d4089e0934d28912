// stage: check
#include <core.p4>
#include <v1model.p4>

const bit<4> SMALL = 8w30;
const bit<8> BASE = 200;
const bit<16> WIDE = (bit<16>)BASE << 2;
typedef bit<(WIDE >> 4)> derived_t;
header h_t { derived_t d; bit<LIMIT> e; }
enum bit<2> Color { RED = 0, GREEN = 1, BLUE = 4 }
const int<8> NEG = -3;
const bit<8> FROM_SIGNED = (bit<16>)NEG;

control C(inout h_t h) {
    bit<8> v;
    apply {
        v = h.d[40:0];
        v = BASE |+| h.d;
        h.d = h.d + 1 ? 2 : 3;
    }
}
