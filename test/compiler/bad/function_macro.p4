// stage: parse
#define MAX(a, b) ((a) > (b) ? (a) : (b))
const bit<8> X = MAX(1);
const bit<8> Y = MAX(1, 2, 3);
const bit<8> Z = MAX(1, 2);
