// Completes the UDP or TCP checksum of a frame the kernel handed over with
// CHECKSUM_PARTIAL (a sender with transmit offload on left it to the "NIC"):
// the switch then sees the packet as it would come off a real wire.
#pragma once
#include <cstdint>

namespace p4lab {

// Recomputes the L4 checksum of an Ethernet frame (up to two VLAN tags,
// IPv4 or IPv6 without extension headers, UDP or TCP). Returns false and
// leaves the frame alone when it is not such a packet or is cut short.
bool CompleteL4Checksum(uint8_t* frame, uint32_t length);

}  // namespace p4lab
