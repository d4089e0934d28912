#include "rx_ring.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace p4lab {

namespace {

// At least this many frames per port: about 200 ms of traffic at 10 kpps and
// 7 ms at 300 kpps, enough to ride out a garbage-collection pause or a busy
// CPU without kernel drops. With a 1500-byte MTU that is 4 MiB per port.
constexpr uint32_t kMinFrames = 2048;
constexpr uint32_t kBlockBytes = 64u << 10;
constexpr size_t kMaxRingBytes = 32u << 20;
// Where the kernel puts an Ethernet frame inside a ring frame (TPACKET2
// header, sockaddr_ll, alignment), rounded up.
constexpr uint32_t kFrameOverhead = 128;

uint32_t FrameSizeFor(uint32_t maxFrame) {
  uint32_t size = 2048;
  while (size < maxFrame + kFrameOverhead && size < kBlockBytes) size <<= 1;
  return size;
}

}  // namespace

RxRing::~RxRing() { Unmap(); }

void RxRing::Unmap() {
  if (map_) munmap(map_, size_);
  map_ = nullptr;
}

bool RxRing::Setup(int fd, uint32_t maxFrame, std::string* error) {
  const uint32_t frameSize = FrameSizeFor(maxFrame);
  const size_t ringBytes = std::min(kMaxRingBytes, size_t(kMinFrames) * frameSize);
  int version = TPACKET_V2;
  if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
    *error = std::string("TPACKET_V2: ") + strerror(errno);
    return false;
  }
  struct tpacket_req req {};
  req.tp_frame_size = frameSize;
  req.tp_block_size = kBlockBytes;
  req.tp_block_nr = ringBytes / kBlockBytes;
  req.tp_frame_nr = req.tp_block_nr * (kBlockBytes / req.tp_frame_size);
  if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
    *error = std::string("PACKET_RX_RING: ") + strerror(errno);
    return false;
  }
  void* map = mmap(nullptr, ringBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    *error = std::string("mmap of the ring: ") + strerror(errno);
    struct tpacket_req none {};
    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &none, sizeof none);
    return false;
  }
  map_ = static_cast<uint8_t*>(map);
  size_ = ringBytes;
  frameSize_ = req.tp_frame_size;
  frameCount_ = req.tp_frame_nr;
  index_ = 0;
  return true;
}

struct tpacket2_hdr* RxRing::Peek() const {
  auto* hdr = reinterpret_cast<struct tpacket2_hdr*>(map_ + size_t(index_) * frameSize_);
  // Acquire: the frame's bytes are read only after its status says it is ours.
  if (!(__atomic_load_n(&hdr->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) return nullptr;
  return hdr;
}

void RxRing::Release() {
  auto* hdr = reinterpret_cast<struct tpacket2_hdr*>(map_ + size_t(index_) * frameSize_);
  __atomic_store_n(&hdr->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
  if (++index_ == frameCount_) index_ = 0;
}

}  // namespace p4lab
