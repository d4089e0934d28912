/* p4lab-recv: records every p4lab packet arriving on the given UDP ports.
 *
 *   p4lab-recv --port N[,N...] [--bind IP] [--trace FILE] [--duration S]
 *
 * Each record holds flow, seq, payload size, tx_ns from the packet and rx_ns
 * from the kernel (SO_TIMESTAMPNS). Prints "ready" once the ports are bound;
 * on SIGTERM/SIGINT (or after --duration) flushes the trace and prints
 * {"received":N,"foreign":M} (foreign: datagrams without the p4lab header).
 */
#define _GNU_SOURCE
#include "p4lab.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#define MAX_PORTS 64
#define BATCH 64
#define DRAIN_BATCHES 16
#define POLL_MS 200 /* wake at least this often to flush and check for stop */

static volatile sig_atomic_t stop_requested;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("p4lab-recv: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static struct trace trace;
/* Only the header is copied; MSG_TRUNC makes msg_len the real payload size. */
static uint8_t bufs[BATCH][P4L_PKT_HDR];
static char ctrl[BATCH][CMSG_SPACE(sizeof(struct timespec))];
static struct iovec iovs[BATCH];
static struct mmsghdr msgs[BATCH];

static int open_port(uint32_t bind_ip, unsigned port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) die("socket: %s", strerror(errno));
  int one = 1, buf = 32 << 20;
  /* FORCE passes net.core.rmem_max when we are root; else the plain request. */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) < 0) die("SO_TIMESTAMPNS: %s", strerror(errno));
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  a.sin_addr.s_addr = bind_ip;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("cannot bind UDP port %u: %s", port, strerror(errno));
  return fd;
}

/* Reads what is queued on fd, at most DRAIN_BATCHES batches so that under a
 * flood the main loop still flushes and sees stop requests. */
static void drain(int fd, uint64_t *received, uint64_t *foreign) {
  for (int round = 0; round < DRAIN_BATCHES; round++) {
    for (unsigned i = 0; i < BATCH; i++) {
      iovs[i] = (struct iovec){ bufs[i], P4L_PKT_HDR };
      msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iovs[i], .msg_iovlen = 1, .msg_control = ctrl[i], .msg_controllen = sizeof ctrl[i] };
    }
    int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      die("recvmmsg: %s", strerror(errno));
    }
    for (int i = 0; i < n; i++) {
      uint32_t len = msgs[i].msg_len;
      if (len < P4L_PKT_HDR || get32(bufs[i]) != P4L_PKT_MAGIC) { (*foreign)++; continue; }
      uint64_t rx = 0;
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
          struct timespec ts;
          memcpy(&ts, CMSG_DATA(c), sizeof ts);
          rx = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        }
      }
      if (rx == 0) rx = now_ns(CLOCK_REALTIME);
      if (trace_add(&trace, get64(bufs[i] + 12), rx, get32(bufs[i] + 4), get32(bufs[i] + 8), len) < 0)
        die("writing the trace: %s", strerror(errno));
      (*received)++;
    }
    if (n < BATCH) return;
  }
}

static const char usage[] =
  "usage: p4lab-recv --port N[,N...] [--bind IP] [--trace FILE] [--duration S]\n"
  "Records every p4lab packet arriving on the UDP ports: flow, seq, size, tx_ns,\n"
  "rx_ns (kernel timestamp). Prints \"ready\" once bound; SIGTERM/SIGINT or the\n"
  "end of --duration flush the trace and print {\"received\":N,\"foreign\":M}.\n";

int main(int argc, char **argv) {
  const char *trace_path = NULL;
  char *ports = NULL;
  uint32_t bind_ip = INADDR_ANY;
  double duration = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(usage, stdout); return 0; }
    if (i + 1 >= argc) die("%s needs a value (p4lab-recv --help)", a);
    if (!strcmp(a, "--port")) ports = argv[++i];
    else if (!strcmp(a, "--trace")) trace_path = argv[++i];
    else if (!strcmp(a, "--bind")) { if (inet_pton(AF_INET, argv[++i], &bind_ip) != 1) die("--bind %s is not an IPv4 address", argv[i]); }
    else if (!strcmp(a, "--duration")) {
      char *end;
      duration = strtod(argv[++i], &end);
      if (*end || end == argv[i] || !(duration >= 0)) die("--duration %s is not a number of seconds >= 0", argv[i]);
    }
    else die("unknown argument %s (p4lab-recv --help)", a);
  }
  if (!ports) die("give --port N[,N...]");

  struct pollfd pfds[MAX_PORTS];
  unsigned nfds = 0;
  for (char *save = NULL, *p = strtok_r(ports, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
    char *end;
    unsigned long port = strtoul(p, &end, 10);
    if (*end || port < 1 || port > 65535) die("port '%s' must be 1..65535", p);
    if (nfds == MAX_PORTS) die("too many ports (max %d)", MAX_PORTS);
    pfds[nfds++] = (struct pollfd){ .fd = open_port(bind_ip, (unsigned)port), .events = POLLIN };
  }
  if (trace_open(&trace, trace_path, P4L_KIND_RECV) < 0) die("cannot write trace %s", trace_path);

  struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: poll returns on a signal */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  /* Stop cleanly when whatever started us goes away (a crashed notebook, or a
   * wrapper such as nsenter that does not pass signals on). */
  prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
  printf("ready\n");
  fflush(stdout);

  uint64_t received = 0, foreign = 0;
  uint64_t end = duration >= 0 ? now_ns(CLOCK_MONOTONIC) + (uint64_t)(duration * 1e9) : UINT64_MAX;
  while (!stop_requested) {
    int r = poll(pfds, nfds, POLL_MS);
    if (r < 0 && errno != EINTR) die("poll: %s", strerror(errno));
    for (unsigned i = 0; r > 0 && i < nfds; i++)
      if (pfds[i].revents & POLLIN) drain(pfds[i].fd, &received, &foreign);
    uint64_t mono = now_ns(CLOCK_MONOTONIC);
    if (trace_tick(&trace, mono) < 0) die("writing the trace: %s", strerror(errno));
    if (mono >= end) break;
  }
  /* Take what is already queued before leaving. */
  for (unsigned i = 0; i < nfds; i++) drain(pfds[i].fd, &received, &foreign);
  if (trace_flush(&trace) < 0) die("writing the trace: %s", strerror(errno));
  printf("{\"received\":%llu,\"foreign\":%llu}\n", (unsigned long long)received, (unsigned long long)foreign);
  return 0;
}
