// A PACKET_MMAP receive ring (TPACKET_V2) on an AF_PACKET socket: the kernel
// writes frames into shared memory and flips each frame's status, so a burst
// is read without one system call per batch. V2 rather than V3: V3 hands a
// block over only when it is full or its timeout (>= 1 ms) expires, which
// would add up to that much latency at low rates; V2 hands over every frame.
#pragma once
#include <linux/if_packet.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace p4lab {

class RxRing {
 public:
  RxRing() = default;
  RxRing(const RxRing&) = delete;
  RxRing& operator=(const RxRing&) = delete;
  ~RxRing();

  // Sets the ring up on `fd` (before bind), with frames large enough for
  // `maxFrame` bytes of packet. False, with the reason in `error`, if the
  // kernel refuses; the socket is then left as it was.
  bool Setup(int fd, uint32_t maxFrame, std::string* error);
  bool active() const { return map_ != nullptr; }
  // Unmaps the ring (the socket is freed only once it is unmapped and closed).
  void Unmap();

  // The oldest frame the kernel has filled, or nullptr when there is none.
  struct tpacket2_hdr* Peek() const;
  // Hands the frame Peek() returned back to the kernel.
  void Release();

 private:
  uint8_t* map_ = nullptr;
  size_t size_ = 0;
  uint32_t frameSize_ = 0;
  uint32_t frameCount_ = 0;
  uint32_t index_ = 0;
};

}  // namespace p4lab
