// AF_PACKET ports driven by libuv: one raw socket per switch port, received
// through a PACKET_MMAP ring (recvmmsg where a ring cannot be set up) into one
// preallocated buffer shared with JavaScript, and batched transmit (sendmmsg)
// from per-port staging slabs.
#pragma once
#include <napi.h>
#include <uv.h>

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rx_ring.h"

namespace p4lab {

class PacketIo;

struct PortSocket {
  PacketIo* owner = nullptr;
  uint32_t port = 0;
  int fd = -1;
  std::string ifname;
  uv_poll_t poll{};
  RxRing ring;               // inactive: recvmmsg is used
  std::string ringFailure;   // why there is no ring
  // Transmit staging: packets queued by send() until flush() or the slab fills.
  std::vector<uint8_t> txSlab;
  std::vector<struct mmsghdr> txMsgs;
  std::vector<struct iovec> txIov;
  uint32_t txPending = 0;
  uint64_t rxTruncated = 0;
  uint64_t rxChecksums = 0;  // L4 checksums completed for a sender's offload
  uint64_t txErrors = 0;
  uint64_t kernelDrops = 0;  // accumulated: the kernel resets its counter on each read
};

class PacketIo : public Napi::ObjectWrap<PacketIo> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit PacketIo(const Napi::CallbackInfo& info);
  ~PacketIo() override;

 private:
  Napi::Value Open(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value CloseAll(const Napi::CallbackInfo& info);
  Napi::Value BusyPoll(const Napi::CallbackInfo& info);

  static void OnReadable(uv_poll_t* handle, int status, int events);
  void Receive(PortSocket* sock);
  void UpdatePoller();
  // One busy-poll turn: watch the rings for up to spinNs_, deliver what they hold.
  void PollRings();
  // Fill the receive slots from one port; return how many packets they hold
  // and set `*more` when the port may have more waiting.
  uint32_t FillFromRing(PortSocket* sock, bool* more);
  uint32_t FillFromSocket(PortSocket* sock, bool* more);
  // Finishes the packet received into slot `slot` (at kHeadroom): restores a
  // stripped VLAN tag, completes an offloaded checksum, and records it as
  // packet `count` of the batch.
  void Finish(PortSocket* sock, uint32_t slot, uint32_t count, uint32_t length, uint32_t status, uint16_t vlanTci,
              uint16_t vlanTpid);
  void FlushPort(PortSocket* sock);
  class OpenWorker;
  // Starts receiving on a socket OpenSocket set up, as `port`.
  void Register(Napi::Object self, PortSocket* sock, uint32_t port, int fd, const std::string& ifname);
  // Stops and forgets a port; the caller then releases its socket and disposes of it.
  PortSocket* DetachPort(std::map<uint32_t, PortSocket*>::iterator it);
  static void ReleaseSocket(PortSocket* sock);
  static void DisposePort(PortSocket* sock);

  uint32_t batch_;
  uint32_t slotSize_;
  Napi::Env env_;
  Napi::FunctionReference onBatch_;
  Napi::ObjectReference self_;  // keeps `this` alive while sockets are open
  std::unique_ptr<Napi::AsyncContext> asyncContext_;
  Napi::Reference<Napi::Buffer<uint8_t>> rxData_;
  Napi::Reference<Napi::Uint32Array> rxOffsets_;
  Napi::Reference<Napi::Uint32Array> rxLengths_;
  Napi::Reference<Napi::Uint32Array> rxPorts_;
  uint8_t* rxBase_ = nullptr;
  uint32_t* rxOffBase_ = nullptr;
  uint32_t* rxLenBase_ = nullptr;
  uint32_t* rxPortBase_ = nullptr;
  std::vector<struct mmsghdr> rxMsgs_;
  std::vector<struct iovec> rxIov_;
  std::vector<uint8_t> rxControl_;
  std::map<uint32_t, PortSocket*> ports_;
  uint64_t spinNs_ = 0;            // busy polling: 0 off
  uv_idle_t* poller_ = nullptr;     // runs while busy polling and a port is open
  std::vector<uint32_t> polled_;    // PollRings' list, kept so polling allocates nothing once warm
};

}  // namespace p4lab
