#include "l4_checksum.h"

namespace p4lab {

namespace {

constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;

uint16_t Be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

// One's-complement sum of 16-bit big-endian words (an odd last byte is padded).
uint64_t Sum(const uint8_t* p, uint32_t n, uint64_t acc) {
  for (; n >= 2; p += 2, n -= 2) acc += Be16(p);
  if (n) acc += uint32_t(p[0]) << 8;
  return acc;
}

uint16_t Fold(uint64_t acc) {
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return uint16_t(acc);
}

}  // namespace

bool CompleteL4Checksum(uint8_t* frame, uint32_t length) {
  uint32_t off = 12;
  if (length < off + 2) return false;
  uint16_t type = Be16(frame + off);
  for (int tags = 0; tags < 2 && (type == 0x8100 || type == 0x88a8); tags++) {
    off += 4;
    if (length < off + 2) return false;
    type = Be16(frame + off);
  }
  off += 2;
  uint64_t acc = 0;
  uint8_t proto;
  uint32_t l4Length;
  if (type == 0x0800) {
    if (length < off + 20) return false;
    const uint8_t* ip = frame + off;
    uint32_t ihl = uint32_t(ip[0] & 0x0f) * 4;
    uint16_t total = Be16(ip + 2);
    if ((ip[0] >> 4) != 4 || ihl < 20 || total < ihl || length < off + total) return false;
    if (Be16(ip + 6) & 0x3fff) return false;  // a fragment: no whole L4 segment here
    proto = ip[9];
    l4Length = total - ihl;
    acc = Sum(ip + 12, 8, acc);  // source and destination addresses
    off += ihl;
  } else if (type == 0x86dd) {
    if (length < off + 40) return false;
    const uint8_t* ip = frame + off;
    uint16_t payload = Be16(ip + 4);
    if (length < off + 40 + payload) return false;
    proto = ip[6];
    l4Length = payload;
    acc = Sum(ip + 8, 32, acc);
    off += 40;
  } else {
    return false;
  }
  uint32_t field;
  if (proto == kUdp && l4Length >= 8) {
    field = off + 6;
  } else if (proto == kTcp && l4Length >= 20) {
    field = off + 16;
  } else {
    return false;
  }
  acc += proto;
  acc += l4Length;
  frame[field] = 0;
  frame[field + 1] = 0;
  uint16_t sum = uint16_t(~Fold(Sum(frame + off, l4Length, acc)));
  if (sum == 0 && proto == kUdp) sum = 0xffff;  // UDP: 0 means "no checksum"
  frame[field] = uint8_t(sum >> 8);
  frame[field + 1] = uint8_t(sum);
  return true;
}

}  // namespace p4lab
