// p4lab-reference-forwarder: the least a user-space forwarder can do, as the
// yardstick bench/switch.ts puts beside the switch's pauses. It moves every
// frame from one interface to the other and back, busy-polling two AF_PACKET
// sockets: no pipeline, no allocation, no runtime, never asleep. Whatever
// latency it still shows belongs to the machine (hypervisor, kernel threads),
// not to the forwarder.
//
//   p4lab-reference-forwarder IFACE_A IFACE_B
// Prints "ready" once both sockets are bound; runs until killed.
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

int Open(const char* ifname) {
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  struct sockaddr_ll addr {};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = int(if_nametoindex(ifname));
  if (fd < 0 || addr.sll_ifindex == 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    fprintf(stderr, "p4lab-reference-forwarder: cannot open %s: %s\n", ifname, strerror(errno));
    exit(1);
  }
  int one = 1;
  setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);  // not our own transmissions
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: p4lab-reference-forwarder IFACE_A IFACE_B\n");
    return 2;
  }
  const int fds[2] = {Open(argv[1]), Open(argv[2])};
  printf("ready\n");
  fflush(stdout);
  static unsigned char frame[9216 + 64];
  for (;;) {
    for (int i = 0; i < 2; i++) {
      ssize_t n = recv(fds[i], frame, sizeof frame, MSG_DONTWAIT);
      if (n > 0) send(fds[1 - i], frame, size_t(n), 0);
    }
  }
}
