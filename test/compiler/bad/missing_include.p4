// stage: parse
#include <core.p4>
#include "does_not_exist.p4"

const bit<8> X = 1;
