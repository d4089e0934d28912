// stage: check
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> a; }
struct headers_t { h_t h; }
const bit<8> LIMIT = 10;
