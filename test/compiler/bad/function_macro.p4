// stage: parse
#define MAX(a, b) ((a) > (b) ? (a) : (b))
const bit<8> X = 1;
