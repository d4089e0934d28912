// stage: parse
const bit<4> NOT_BINARY = 0b102;
const bit<8> NO_DIGITS = 0x;
const int BAD_SUFFIX = 12abc;
const bit<8> NO_VALUE = 8w;
const bit<8> TOO_WIDE = 8w256;
