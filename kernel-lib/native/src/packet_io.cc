#include "packet_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <thread>
#include <cstring>

#include "l4_checksum.h"

namespace p4lab {

namespace {

// Room in front of each receive slot so a VLAN tag the kernel stripped (veth
// offloads it into skb metadata) can be put back without moving the payload.
constexpr uint32_t kHeadroom = 4;
constexpr int kSocketBuffer = 8 << 20;
constexpr size_t kControlSize = CMSG_SPACE(sizeof(struct tpacket_auxdata));
// Batches read per wake-up: enough to drain a burst, bounded so one busy port
// cannot starve the others or the gRPC server.
constexpr int kBatchesPerWake = 4;

uint64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

// Tells the CPU this is a spin-wait (saves power, yields to a sibling hyperthread).
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

std::string ErrnoText(int err) { return std::string(strerror(err)); }

// Why opening a port failed, as the `code` of the JS error.
enum class OpenFailure { kNone, kNotFound, kDown, kSystem };

const char* FailureCode(OpenFailure f) {
  switch (f) {
    case OpenFailure::kNotFound: return "IFACE_NOT_FOUND";
    case OpenFailure::kDown: return "IFACE_DOWN";
    default: return "IFACE_ERROR";
  }
}

// Runs work(0..count-1) on threads side by side (work(0) on this one) and
// waits for all: for kernel calls that mostly wait, not compute.
template <typename Work>
void SideBySide(size_t count, Work work) {
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < count; i++) helpers.emplace_back(work, i);
  if (count > 0) work(0);
  for (auto& t : helpers) t.join();
}

// Opens the port's socket, with a receive ring when the kernel grants one.
int OpenSocket(const std::string& ifname, uint32_t maxFrame, RxRing* ring, std::string* ringFailure, std::string* error,
               OpenFailure* failure) {
  *failure = OpenFailure::kSystem;
  unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) {
    *error = "interface '" + ifname + "' not found; create it first (ip link add ...) or fix the name";
    *failure = OpenFailure::kNotFound;
    return -1;
  }
  // Protocol 0: the socket receives nothing until bind() names the interface,
  // so no packet of another interface can slip in before.
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = "cannot open a packet socket for '" + ifname + "': " + ErrnoText(errno) +
             (errno == EPERM ? " (run as root or grant CAP_NET_RAW)" : "");
    return -1;
  }
  struct ifreq ifr {};
  strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
    close(fd);
    *error = "interface '" + ifname + "' is down; bring it up with: ip link set " + ifname + " up";
    *failure = OpenFailure::kDown;
    return -1;
  }
  // Ring frames fit the interface's MTU (and a VLAN tag), not the largest
  // frame the switch handles: jumbo-sized frames for a 1500-byte link would
  // make the ring hold 8 times fewer packets for the same memory.
  uint32_t ringFrame = maxFrame;
  if (ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0) ringFrame = std::min(maxFrame, uint32_t(ifr.ifr_mtu) + 18);
  int one = 1;
  int size = kSocketBuffer;
  // FORCE variants exceed the sysctl caps as root; fall back quietly otherwise.
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  // No PACKET_QDISC_BYPASS: it saved little here (veth has no qdisc) and
  // hides what the switch transmits from tcpdump on its own ports.
  if (!ring->Setup(fd, ringFrame, ringFailure)) {
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one);
  }
  struct sockaddr_ll addr {};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = static_cast<int>(ifindex);
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) != 0) {
    *error = "cannot bind to interface '" + ifname + "': " + ErrnoText(errno);
    close(fd);
    return -1;
  }
  struct packet_mreq mreq {};
  mreq.mr_ifindex = static_cast<int>(ifindex);
  mreq.mr_type = PACKET_MR_PROMISC;
  if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0) {
    *error = "cannot make interface '" + ifname + "' promiscuous: " + ErrnoText(errno);
    close(fd);
    return -1;
  }
  return fd;
}

// The auxiliary data recvmmsg delivered with a packet (status, VLAN tag).
bool ReadAuxdata(struct msghdr* hdr, struct tpacket_auxdata* aux) {
  for (struct cmsghdr* c = CMSG_FIRSTHDR(hdr); c != nullptr; c = CMSG_NXTHDR(hdr, c)) {
    if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
    memcpy(aux, CMSG_DATA(c), sizeof *aux);
    return true;
  }
  return false;
}

}  // namespace

Napi::Function PacketIo::Define(Napi::Env env) {
  return DefineClass(env, "PacketIo",
                     {
                         InstanceMethod("open", &PacketIo::Open),
                         InstanceMethod("close", &PacketIo::Close),
                         InstanceMethod("send", &PacketIo::Send),
                         InstanceMethod("flush", &PacketIo::Flush),
                         InstanceMethod("stats", &PacketIo::Stats),
                         InstanceMethod("closeAll", &PacketIo::CloseAll),
                         InstanceMethod("busyPoll", &PacketIo::BusyPoll),
                     });
}

// new PacketIo(batch, slotSize, onBatch(count))
PacketIo::PacketIo(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PacketIo>(info), env_(info.Env()) {
  if (info.Length() != 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsFunction())
    throw Napi::TypeError::New(env_, "PacketIo(batch, slotSize, onBatch)");
  batch_ = info[0].As<Napi::Number>().Uint32Value();
  slotSize_ = info[1].As<Napi::Number>().Uint32Value();
  if (batch_ == 0 || batch_ > 1024 || slotSize_ < 64 + kHeadroom || slotSize_ > 65536)
    throw Napi::RangeError::New(env_, "PacketIo: batch must be 1..1024 and slotSize 68..65536");
  onBatch_ = Napi::Persistent(info[2].As<Napi::Function>());
  asyncContext_ = std::make_unique<Napi::AsyncContext>(env_, "p4lab:PacketIo");

  auto data = Napi::Buffer<uint8_t>::New(env_, size_t(batch_) * slotSize_);
  auto offsets = Napi::Uint32Array::New(env_, batch_);
  auto lengths = Napi::Uint32Array::New(env_, batch_);
  auto ports = Napi::Uint32Array::New(env_, batch_);
  rxBase_ = data.Data();
  rxOffBase_ = offsets.Data();
  rxLenBase_ = lengths.Data();
  rxPortBase_ = ports.Data();
  rxData_ = Napi::Persistent(data);
  rxOffsets_ = Napi::Persistent(offsets);
  rxLengths_ = Napi::Persistent(lengths);
  rxPorts_ = Napi::Persistent(ports);
  Napi::Object self = info.This().As<Napi::Object>();
  self.Set("rxData", data);
  self.Set("rxOffsets", offsets);
  self.Set("rxLengths", lengths);
  self.Set("rxPorts", ports);

  rxMsgs_.resize(batch_);
  rxIov_.resize(batch_);
  rxControl_.resize(batch_ * kControlSize);
  for (uint32_t i = 0; i < batch_; i++) {
    rxIov_[i].iov_base = rxBase_ + size_t(i) * slotSize_ + kHeadroom;
    rxIov_[i].iov_len = slotSize_ - kHeadroom;
  }
}

PacketIo::~PacketIo() {
  for (auto& [port, sock] : ports_) {
    // The loop may already be gone at teardown; the fd is all that matters then.
    if (sock->fd >= 0) close(sock->fd);
  }
}

namespace {

// One port open() sets up: filled in on a worker thread, registered on the loop's.
struct OpenJob {
  uint32_t port = 0;
  std::string ifname;
  PortSocket* sock = nullptr;
  int fd = -1;
  std::string error;
  OpenFailure failure = OpenFailure::kSystem;
  bool inUse = false;
};

}  // namespace

// Sets the sockets up off the event loop, then registers them on it.
class PacketIo::OpenWorker : public Napi::AsyncWorker {
 public:
  OpenWorker(Napi::Env env, PacketIo* io, Napi::Object self, std::vector<OpenJob> jobs)
      : Napi::AsyncWorker(env, "p4lab:PacketIo.open"),
        deferred_(Napi::Promise::Deferred::New(env)),
        io_(io),
        self_(Napi::Persistent(self)),
        jobs_(std::move(jobs)),
        maxFrame_(io->slotSize_ - kHeadroom) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    SideBySide(jobs_.size(), [this](size_t i) {
      OpenJob& job = jobs_[i];
      if (job.inUse) return;
      job.sock = new PortSocket();
      job.fd = OpenSocket(job.ifname, maxFrame_, &job.sock->ring, &job.sock->ringFailure, &job.error, &job.failure);
    });
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Array results = Napi::Array::New(env, jobs_.size());
    for (uint32_t i = 0; i < jobs_.size(); i++) {
      OpenJob& job = jobs_[i];
      // Another open() of the same port may have finished first.
      if (job.fd >= 0 && io_->ports_.count(job.port) > 0) {
        close(job.fd);
        job.fd = -1;
        job.inUse = true;
      }
      if (job.fd < 0) {
        delete job.sock;
        Napi::Object failure = Napi::Object::New(env);
        failure.Set("message", job.inUse ? "port " + std::to_string(job.port) + " is already open" : job.error);
        failure.Set("code", job.inUse ? "PORT_IN_USE" : FailureCode(job.failure));
        results.Set(i, failure);
        continue;
      }
      io_->Register(self_.Value(), job.sock, job.port, job.fd, job.ifname);
    }
    deferred_.Resolve(results);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  PacketIo* io_;
  Napi::ObjectReference self_;  // keeps the PacketIo alive until the sockets are registered
  std::vector<OpenJob> jobs_;
  uint32_t maxFrame_;
};

// open(ports, ifnames): adds ports. Resolves with, per port, undefined or the
// failure ({message, code}); the others open anyway. Each receive ring costs
// the kernel a network-wide synchronisation (several ms): the sockets are set
// up side by side on worker threads, so neither the waits add up port after
// port nor the event loop (and the other devices of the process) waits.
Napi::Value PacketIo::Open(const Napi::CallbackInfo& info) {
  if (info.Length() != 2 || !info[0].IsArray() || !info[1].IsArray())
    throw Napi::TypeError::New(env_, "open(ports, ifnames)");
  Napi::Array portList = info[0].As<Napi::Array>();
  Napi::Array nameList = info[1].As<Napi::Array>();
  const uint32_t n = portList.Length();
  if (nameList.Length() != n) throw Napi::TypeError::New(env_, "open(ports, ifnames): one name per port");
  std::vector<OpenJob> jobs(n);
  for (uint32_t i = 0; i < n; i++) {
    jobs[i].port = portList.Get(i).As<Napi::Number>().Uint32Value();
    jobs[i].ifname = nameList.Get(i).As<Napi::String>().Utf8Value();
    jobs[i].inUse = ports_.count(jobs[i].port) > 0;
  }
  auto* worker = new OpenWorker(env_, this, info.This().As<Napi::Object>(), std::move(jobs));
  Napi::Promise promise = worker->Promise();
  worker->Queue();  // deletes itself when done
  return promise;
}

void PacketIo::Register(Napi::Object self, PortSocket* sock, uint32_t port, int fd, const std::string& ifname) {
  sock->owner = this;
  sock->port = port;
  sock->fd = fd;
  sock->ifname = ifname;
  sock->txSlab.resize(size_t(batch_) * slotSize_);
  sock->txMsgs.resize(batch_);
  sock->txIov.resize(batch_);
  for (uint32_t i = 0; i < batch_; i++) {
    sock->txIov[i].iov_base = sock->txSlab.data() + size_t(i) * slotSize_;
    sock->txMsgs[i].msg_hdr.msg_iov = &sock->txIov[i];
    sock->txMsgs[i].msg_hdr.msg_iovlen = 1;
  }
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env_, &loop);
  uv_poll_init(loop, &sock->poll, fd);
  sock->poll.data = sock;
  uv_poll_start(&sock->poll, UV_READABLE, &PacketIo::OnReadable);
  if (ports_.empty()) self_ = Napi::Persistent(self);
  ports_[port] = sock;
  UpdatePoller();
}

PortSocket* PacketIo::DetachPort(std::map<uint32_t, PortSocket*>::iterator it) {
  PortSocket* sock = it->second;
  FlushPort(sock);
  ports_.erase(it);
  uv_poll_stop(&sock->poll);
  if (ports_.empty()) {
    UpdatePoller();
    self_.Reset();
  }
  return sock;
}

// Unmaps the ring and closes the socket. The kernel frees a packet socket only
// once both are gone, and then waits for a network-wide synchronisation (tens
// of ms) in the thread that let go last: callers release several side by side.
void PacketIo::ReleaseSocket(PortSocket* sock) {
  sock->ring.Unmap();
  close(sock->fd);
  sock->fd = -1;
}

void PacketIo::DisposePort(PortSocket* sock) {
  uv_close(reinterpret_cast<uv_handle_t*>(&sock->poll), [](uv_handle_t* h) { delete static_cast<PortSocket*>(h->data); });
}

Napi::Value PacketIo::Close(const Napi::CallbackInfo& info) {
  uint32_t port = info[0].As<Napi::Number>().Uint32Value();
  auto it = ports_.find(port);
  if (it == ports_.end()) return Napi::Boolean::New(env_, false);
  PortSocket* sock = DetachPort(it);
  ReleaseSocket(sock);
  DisposePort(sock);
  return Napi::Boolean::New(env_, true);
}

// Closes the sockets side by side (see ReleaseSocket), as open() sets them up.
Napi::Value PacketIo::CloseAll(const Napi::CallbackInfo&) {
  std::vector<PortSocket*> socks;
  while (!ports_.empty()) socks.push_back(DetachPort(ports_.begin()));
  SideBySide(socks.size(), [&](size_t i) { ReleaseSocket(socks[i]); });
  for (PortSocket* sock : socks) DisposePort(sock);
  return env_.Undefined();
}

void PacketIo::OnReadable(uv_poll_t* handle, int status, int) {
  auto* sock = static_cast<PortSocket*>(handle->data);
  if (status < 0) {
    // A socket error (ENETDOWN while the interface is down or deleted): libuv
    // stops polling on it. Clear the error and poll again, so the port works
    // again once the interface is back up.
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(sock->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    uv_poll_start(handle, UV_READABLE, &PacketIo::OnReadable);
    return;
  }
  sock->owner->Receive(sock);
}

// busyPoll(spinNs): with spinNs > 0, every turn of the event loop watches the
// receive rings for up to spinNs before the loop goes on to its timers and
// sockets, and the loop never sleeps; 0 turns it off. A thread that sleeps in
// epoll needs a wake-up per burst, and on a virtual machine whose idle vCPU
// has halted that wake-up alone can take milliseconds. An idle handle rather
// than a JavaScript loop, so that polling allocates nothing.
Napi::Value PacketIo::BusyPoll(const Napi::CallbackInfo& info) {
  spinNs_ = uint64_t(std::max<int64_t>(0, info[0].As<Napi::Number>().Int64Value()));
  UpdatePoller();
  return env_.Undefined();
}

// Runs the poller exactly while busy polling is on and a port is open (with
// no port open the object may be collected, so nothing may point at it).
void PacketIo::UpdatePoller() {
  const bool wanted = spinNs_ > 0 && !ports_.empty();
  if (wanted && poller_ == nullptr) {
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(env_, &loop);
    poller_ = new uv_idle_t{};
    poller_->data = this;
    uv_idle_init(loop, poller_);
    uv_idle_start(poller_, [](uv_idle_t* h) { static_cast<PacketIo*>(h->data)->PollRings(); });
  } else if (!wanted && poller_ != nullptr) {
    uv_idle_stop(poller_);
    uv_close(reinterpret_cast<uv_handle_t*>(poller_), [](uv_handle_t* h) { delete reinterpret_cast<uv_idle_t*>(h); });
    poller_ = nullptr;
  }
}

void PacketIo::PollRings() {
  const uint64_t deadline = NowNs() + spinNs_;
  polled_.clear();
  for (auto& [port, sock] : ports_)
    if (sock->ring.active()) polled_.push_back(port);
  bool ready = false;
  while (!ready) {
    for (uint32_t port : polled_) ready = ready || ports_[port]->ring.Peek() != nullptr;
    if (!ready && NowNs() >= deadline) return;
    CpuRelax();
  }
  // Delivery runs JavaScript, which may close ports (or turn polling off): look each one up again.
  for (uint32_t port : polled_) {
    auto it = ports_.find(port);
    if (it != ports_.end()) Receive(it->second);
  }
}

void PacketIo::Receive(PortSocket* sock) {
  const uint32_t port = sock->port;
  for (int round = 0; round < kBatchesPerWake; round++) {
    bool more = false;
    uint32_t count = sock->ring.active() ? FillFromRing(sock, &more) : FillFromSocket(sock, &more);
    for (uint32_t i = 0; i < count; i++) rxPortBase_[i] = port;
    if (count > 0) {
      Napi::HandleScope scope(env_);
      try {
        onBatch_.MakeCallback(env_.Global(), {Napi::Number::New(env_, count)}, *asyncContext_);
      } catch (const Napi::Error& e) {
        // No JavaScript frame to throw into: report it as an uncaught exception.
        napi_fatal_exception(env_, e.Value());
      }
      // The callback may have closed this port (then `this` may be collected): touch nothing more.
      if (sock->fd < 0) return;
    }
    if (!more) return;
  }
}

uint32_t PacketIo::FillFromRing(PortSocket* sock, bool* more) {
  const uint32_t room = slotSize_ - kHeadroom;
  uint32_t count = 0;
  struct tpacket2_hdr* hdr;
  while (count < batch_ && (hdr = sock->ring.Peek()) != nullptr) {
    uint32_t length = hdr->tp_snaplen;
    if (length < hdr->tp_len || length > room) {
      sock->rxTruncated++;
    } else {
      // A copy out of the ring (64 bytes for small packets) frees the frame at
      // once; the pipeline may then keep and rewrite the packet in place.
      memcpy(rxBase_ + size_t(count) * slotSize_ + kHeadroom, reinterpret_cast<uint8_t*>(hdr) + hdr->tp_mac, length);
      Finish(sock, count, count, length, hdr->tp_status, hdr->tp_vlan_tci, hdr->tp_vlan_tpid);
      count++;
    }
    sock->ring.Release();
  }
  *more = count == batch_;
  return count;
}

uint32_t PacketIo::FillFromSocket(PortSocket* sock, bool* more) {
  for (uint32_t i = 0; i < batch_; i++) {
    struct msghdr& h = rxMsgs_[i].msg_hdr;
    h.msg_name = nullptr;
    h.msg_namelen = 0;
    h.msg_iov = &rxIov_[i];
    h.msg_iovlen = 1;
    h.msg_control = rxControl_.data() + i * kControlSize;
    h.msg_controllen = kControlSize;
    h.msg_flags = 0;
  }
  int n = recvmmsg(sock->fd, rxMsgs_.data(), batch_, MSG_DONTWAIT, nullptr);
  *more = n == int(batch_);
  if (n <= 0) return 0;
  uint32_t count = 0;
  for (int i = 0; i < n; i++) {
    struct msghdr& h = rxMsgs_[i].msg_hdr;
    if (h.msg_flags & MSG_TRUNC) {
      sock->rxTruncated++;
      continue;
    }
    struct tpacket_auxdata aux {};
    ReadAuxdata(&h, &aux);
    // Slots are compacted in place of the truncated ones by index only; the
    // data stays where the kernel wrote it.
    Finish(sock, uint32_t(i), count, rxMsgs_[i].msg_len, aux.tp_status, aux.tp_vlan_tci, aux.tp_vlan_tpid);
    count++;
  }
  return count;
}

void PacketIo::Finish(PortSocket* sock, uint32_t slot, uint32_t count, uint32_t length, uint32_t status,
                      uint16_t vlanTci, uint16_t vlanTpid) {
  uint8_t* packet = rxBase_ + size_t(slot) * slotSize_ + kHeadroom;
  uint32_t offset = uint32_t(packet - rxBase_);
  if (((status & TP_STATUS_VLAN_VALID) || vlanTci != 0) && length >= 12) {
    // Put back the tag veth offloaded into metadata; the frame then starts kHeadroom earlier.
    uint16_t tpid = (status & TP_STATUS_VLAN_TPID_VALID) ? vlanTpid : ETH_P_8021Q;
    memmove(packet - kHeadroom, packet, 12);
    packet -= kHeadroom;
    uint8_t* tag = packet + 12;
    tag[0] = tpid >> 8;
    tag[1] = tpid & 0xff;
    tag[2] = vlanTci >> 8;
    tag[3] = vlanTci & 0xff;
    offset -= kHeadroom;
    length += kHeadroom;
  }
  // CHECKSUM_PARTIAL: the sender's stack left the L4 checksum to the NIC.
  if ((status & TP_STATUS_CSUMNOTREADY) && CompleteL4Checksum(packet, length)) sock->rxChecksums++;
  rxOffBase_[count] = offset;
  rxLenBase_[count] = length;
}

// send(port, data, offset, length): stages one packet; false when the port is
// not open. The bytes are copied, so `data` may be reused at once.
Napi::Value PacketIo::Send(const Napi::CallbackInfo& info) {
  uint32_t port = info[0].As<Napi::Number>().Uint32Value();
  auto it = ports_.find(port);
  if (it == ports_.end()) return Napi::Boolean::New(env_, false);
  PortSocket* sock = it->second;
  auto data = info[1].As<Napi::Uint8Array>();
  size_t offset = info[2].As<Napi::Number>().Uint32Value();
  size_t length = info[3].As<Napi::Number>().Uint32Value();
  if (offset + length > data.ByteLength() || length > slotSize_)
    throw Napi::RangeError::New(env_, "send: packet outside its buffer or larger than a slot");
  if (sock->txPending == batch_) FlushPort(sock);
  uint32_t slot = sock->txPending++;
  memcpy(sock->txIov[slot].iov_base, data.Data() + offset, length);
  sock->txIov[slot].iov_len = length;
  return Napi::Boolean::New(env_, true);
}

void PacketIo::FlushPort(PortSocket* sock) {
  uint32_t done = 0;
  while (done < sock->txPending) {
    int n = sendmmsg(sock->fd, sock->txMsgs.data() + done, sock->txPending - done, MSG_DONTWAIT);
    if (n <= 0) {
      // Socket buffer full or interface gone: the rest of the batch is lost,
      // as on a real port whose transmit ring overflowed.
      sock->txErrors += sock->txPending - done;
      break;
    }
    done += uint32_t(n);
  }
  sock->txPending = 0;
}

Napi::Value PacketIo::Flush(const Napi::CallbackInfo&) {
  for (auto& [port, sock] : ports_)
    if (sock->txPending) FlushPort(sock);
  return env_.Undefined();
}

// stats(port): kernel and native counters of one port, or undefined.
Napi::Value PacketIo::Stats(const Napi::CallbackInfo& info) {
  uint32_t port = info[0].As<Napi::Number>().Uint32Value();
  auto it = ports_.find(port);
  if (it == ports_.end()) return env_.Undefined();
  PortSocket* sock = it->second;
  struct tpacket_stats st {};
  socklen_t len = sizeof st;
  if (getsockopt(sock->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) sock->kernelDrops += st.tp_drops;
  Napi::Object out = Napi::Object::New(env_);
  out.Set("ifname", sock->ifname);
  out.Set("kernelDrops", double(sock->kernelDrops));
  out.Set("rxTruncated", double(sock->rxTruncated));
  out.Set("rxChecksums", double(sock->rxChecksums));
  out.Set("rxMode", sock->ring.active() ? "ring" : "recvmmsg");
  out.Set("ringFailure", sock->ringFailure);
  out.Set("txErrors", double(sock->txErrors));
  return out;
}

}  // namespace p4lab
