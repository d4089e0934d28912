// p4lab-pktgen: a load generator and receiver for bench/switch.ts. It opens one
// AF_PACKET socket in each of two network namespaces, sends UDP/IPv4 frames
// stamped with a sequence number and CLOCK_REALTIME time from the first, and
// measures loss and one-way latency on the second against the kernel's receive
// timestamp (SO_TIMESTAMPNS, same clock), so the receiving thread's own wake-up
// delay is not counted against what is measured. Prints one JSON object.
//
//   p4lab-pktgen --tx NETNS:IFACE --rx NETNS:IFACE [--rate PPS] [--duration S]
//                [--size BYTES] [--dst-mac MAC] [--src-ip A.B.C.D] [--dst-ip A.B.C.D]
//   --rate 0 sends as fast as the socket takes packets.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr uint32_t kMagic = 0x70346c62;  // "p4lb"
constexpr size_t kStampOffset = 42;        // Ethernet 14 + IPv4 20 + UDP 8
constexpr int kBatch = 64;

struct Options {
  std::string txNs, txIf, rxNs, rxIf;
  double rate = 1000;
  double duration = 5;
  size_t size = 64;
  uint8_t dstMac[6] = {0x02, 0, 0, 0, 0, 0x02};
  uint32_t srcIp = 0x0a000101, dstIp = 0x0a000201;
};

[[noreturn]] void Fail(const std::string& msg) {
  fprintf(stderr, "p4lab-pktgen: %s\n", msg.c_str());
  exit(1);
}

uint64_t ReadClock(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// Pacing and timeouts run on the monotonic clock; packet stamps use the
// realtime clock, because that is the one the kernel's receive stamps use.
uint64_t NowNs() { return ReadClock(CLOCK_MONOTONIC); }
uint64_t StampNs() { return ReadClock(CLOCK_REALTIME); }

void SplitNsIf(const char* arg, std::string* ns, std::string* ifname) {
  const char* colon = strchr(arg, ':');
  if (colon == nullptr) Fail(std::string("expected NETNS:IFACE, got '") + arg + "'");
  *ns = std::string(arg, colon);
  *ifname = colon + 1;
}

uint32_t ParseIp(const char* text) {
  struct in_addr a;
  if (inet_pton(AF_INET, text, &a) != 1) Fail(std::string("bad IPv4 address '") + text + "'");
  return ntohl(a.s_addr);
}

void ParseMac(const char* text, uint8_t* mac) {
  unsigned v[6];
  if (sscanf(text, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
    Fail(std::string("bad MAC address '") + text + "'");
  for (int i = 0; i < 6; i++) mac[i] = uint8_t(v[i]);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (i + 1 >= argc) Fail("option " + a + " needs a value");
    const char* v = argv[++i];
    if (a == "--tx") SplitNsIf(v, &o.txNs, &o.txIf);
    else if (a == "--rx") SplitNsIf(v, &o.rxNs, &o.rxIf);
    else if (a == "--rate") o.rate = atof(v);
    else if (a == "--duration") o.duration = atof(v);
    else if (a == "--size") o.size = size_t(atoi(v));
    else if (a == "--dst-mac") ParseMac(v, o.dstMac);
    else if (a == "--src-ip") o.srcIp = ParseIp(v);
    else if (a == "--dst-ip") o.dstIp = ParseIp(v);
    else Fail("unknown option " + a);
  }
  if (o.txIf.empty() || o.rxIf.empty()) Fail("--tx NETNS:IFACE and --rx NETNS:IFACE are required");
  if (o.size < 64 || o.size > 1514) Fail("--size must be 64..1514");
  if (o.duration <= 0 || o.rate < 0) Fail("--duration must be > 0 and --rate >= 0");
  return o;
}

// Opens a packet socket on `ifname` inside network namespace `ns`; the socket
// stays in that namespace after the thread moves on.
int OpenIn(const std::string& ns, const std::string& ifname) {
  std::string path = "/var/run/netns/" + ns;
  int nsfd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) Fail("network namespace '" + ns + "' not found");
  if (setns(nsfd, CLONE_NEWNET) != 0) Fail("setns " + ns + ": " + strerror(errno));
  close(nsfd);
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd < 0) Fail(std::string("socket: ") + strerror(errno));
  struct sockaddr_ll addr {};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = int(if_nametoindex(ifname.c_str()));
  if (addr.sll_ifindex == 0) Fail("interface '" + ifname + "' not found in namespace " + ns);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Fail(std::string("bind: ") + strerror(errno));
  int size = 16 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
  int one = 1;
  setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  return fd;
}

uint16_t Checksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += uint32_t(p[i] << 8 | p[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return uint16_t(~sum);
}

void BuildFrame(const Options& o, uint8_t* f) {
  memset(f, 0, o.size);
  memcpy(f, o.dstMac, 6);
  const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x01};
  memcpy(f + 6, src, 6);
  f[12] = 0x08;
  uint8_t* ip = f + 14;
  size_t ipLen = o.size - 14;
  ip[0] = 0x45;
  ip[2] = uint8_t(ipLen >> 8);
  ip[3] = uint8_t(ipLen);
  ip[8] = 64;
  ip[9] = 17;
  for (int i = 0; i < 4; i++) {
    ip[12 + i] = uint8_t(o.srcIp >> (24 - 8 * i));
    ip[16 + i] = uint8_t(o.dstIp >> (24 - 8 * i));
  }
  uint16_t c = Checksum(ip, 20);
  ip[10] = uint8_t(c >> 8);
  ip[11] = uint8_t(c);
  uint8_t* udp = ip + 20;
  udp[0] = 0x9c;  // ports 40000 -> 40001
  udp[1] = 0x40;
  udp[2] = 0x9c;
  udp[3] = 0x41;
  udp[4] = uint8_t((ipLen - 20) >> 8);
  udp[5] = uint8_t(ipLen - 20);
  uint32_t magic = htonl(kMagic);
  memcpy(f + kStampOffset, &magic, 4);
}

struct RxState {
  std::vector<uint32_t> latencyNs;  // preallocated; saturates at 4.29 s
  std::atomic<uint64_t> received{0};
  std::atomic<uint64_t> lastArrivalNs{0};
  uint64_t maxGapNs = 0;
  std::atomic<bool> stop{false};
};

// The time the kernel took the packet in, or `fallback` when it gave none.
uint64_t KernelStamp(msghdr* m, uint64_t fallback) {
  for (cmsghdr* c = CMSG_FIRSTHDR(m); c != nullptr; c = CMSG_NXTHDR(m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
    struct timespec ts;
    memcpy(&ts, CMSG_DATA(c), sizeof ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
  }
  return fallback;
}

void Receive(int fd, RxState* st) {
  struct timeval tv {0, 100000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  constexpr size_t kControl = CMSG_SPACE(sizeof(struct timespec));
  std::vector<uint8_t> bufs(kBatch * 2048);
  std::vector<uint8_t> control(kBatch * kControl);
  std::vector<mmsghdr> msgs(kBatch);
  std::vector<iovec> iov(kBatch);
  uint64_t last = 0;
  while (!st->stop.load(std::memory_order_relaxed)) {
    for (int i = 0; i < kBatch; i++) {
      iov[i] = {bufs.data() + i * 2048, 2048};
      msgs[i].msg_hdr = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_control = control.data() + i * kControl;
      msgs[i].msg_hdr.msg_controllen = kControl;
    }
    int n = recvmmsg(fd, msgs.data(), kBatch, MSG_WAITFORONE, nullptr);
    if (n <= 0) continue;
    uint64_t now = NowNs();
    uint64_t stamp = StampNs();
    for (int i = 0; i < n; i++) {
      const uint8_t* f = bufs.data() + i * 2048;
      if (msgs[i].msg_len < kStampOffset + 20) continue;
      uint32_t magic;
      memcpy(&magic, f + kStampOffset, 4);
      if (ntohl(magic) != kMagic) continue;
      uint64_t sent;
      memcpy(&sent, f + kStampOffset + 12, 8);
      uint64_t arrived = KernelStamp(&msgs[i].msg_hdr, stamp);
      uint64_t lat = arrived > sent ? arrived - sent : 0;
      uint64_t k = st->received.load(std::memory_order_relaxed);
      if (k < st->latencyNs.size()) st->latencyNs[k] = uint32_t(std::min<uint64_t>(lat, UINT32_MAX));
      st->received.store(k + 1, std::memory_order_release);
    }
    st->lastArrivalNs.store(now, std::memory_order_release);
    if (last != 0 && now - last > st->maxGapNs) st->maxGapNs = now - last;
    last = now;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  prctl(PR_SET_TIMERSLACK, 1UL);
  int rx = OpenIn(o.rxNs, o.rxIf);
  int tx = OpenIn(o.txNs, o.txIf);

  RxState st;
  size_t expected = o.rate > 0 ? size_t(o.rate * o.duration * 1.1) + 1024 : size_t(50e6);
  st.latencyNs.resize(expected);
  std::thread receiver(Receive, rx, &st);

  std::vector<uint8_t> frames(kBatch * o.size);
  for (int i = 0; i < kBatch; i++) BuildFrame(o, frames.data() + i * o.size);
  std::vector<mmsghdr> msgs(kBatch);
  std::vector<iovec> iov(kBatch);
  for (int i = 0; i < kBatch; i++) {
    iov[i] = {frames.data() + i * o.size, o.size};
    msgs[i].msg_hdr = {};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }

  uint64_t seq = 0, sent = 0;
  const uint64_t start = NowNs();
  const uint64_t end = start + uint64_t(o.duration * 1e9);
  const double gapNs = o.rate > 0 ? 1e9 / o.rate : 0;
  // A paced sender wakes at most every kMinWakeNs and sends the packets due
  // by then in one burst: a wake per packet costs more CPU than the packets at
  // high rates, and that CPU is taken from the switch on a small machine. Up to
  // 1 / kMinWakeNs (50k pps) every packet still leaves at its own time.
  constexpr double kMinWakeNs = 20000;
  const int pacedBurst = gapNs > 0 ? std::clamp(int(std::ceil(kMinWakeNs / gapNs)), 1, kBatch) : kBatch;
  for (;;) {
    uint64_t now = NowNs();
    if (now >= end) break;
    int burst = kBatch;
    if (gapNs > 0) {
      uint64_t due = start + uint64_t(double(seq) * gapNs);
      if (due > now) {
        struct timespec ts {time_t(due / 1000000000ull), long(due % 1000000000ull)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
        now = NowNs();
      }
      burst = pacedBurst;
    }
    const uint64_t stamp = StampNs();
    for (int i = 0; i < burst; i++) {
      uint8_t* f = frames.data() + i * o.size;
      uint64_t s = seq + uint64_t(i);
      memcpy(f + kStampOffset + 4, &s, 8);
      memcpy(f + kStampOffset + 12, &stamp, 8);
    }
    int n = sendmmsg(tx, msgs.data(), unsigned(burst), 0);
    if (n > 0) sent += uint64_t(n);
    // Paced slots the socket refused still count as offered.
    if (gapNs > 0) seq += uint64_t(burst);
    else if (n > 0) seq += uint64_t(n);
  }
  const uint64_t sendEnd = NowNs();
  // Wait for packets still in flight: until all arrived, or none came for
  // kQuietNs (lost, or the switch is not forwarding), at most kDrainMaxNs.
  constexpr uint64_t kQuietNs = 500000000ull, kDrainMaxNs = 5000000000ull;
  for (;;) {
    usleep(20000);
    uint64_t now = NowNs();
    uint64_t last = std::max(st.lastArrivalNs.load(std::memory_order_acquire), sendEnd);
    if (st.received.load(std::memory_order_acquire) >= sent || now - last > kQuietNs || now - sendEnd > kDrainMaxNs) break;
  }
  st.stop = true;
  receiver.join();

  const uint64_t received = st.received.load();
  size_t n = std::min<size_t>(received, st.latencyNs.size());
  std::sort(st.latencyNs.begin(), st.latencyNs.begin() + long(n));
  auto pct = [&](double p) -> uint64_t { return n ? st.latencyNs[std::min(n - 1, size_t(p * double(n)))] : 0; };
  double seconds = double(sendEnd - start) / 1e9;
  printf("{\"sent\":%llu,\"received\":%llu,\"seconds\":%.6f,\"txPps\":%.0f,\"rxPps\":%.0f,"
         "\"p50Ns\":%llu,\"p99Ns\":%llu,\"maxNs\":%llu,\"maxGapNs\":%llu}\n",
         (unsigned long long)sent, (unsigned long long)received, seconds, double(sent) / seconds,
         double(received) / seconds, (unsigned long long)pct(0.5), (unsigned long long)pct(0.99),
         (unsigned long long)(n ? st.latencyNs[n - 1] : 0), (unsigned long long)st.maxGapNs);
  return 0;
}
