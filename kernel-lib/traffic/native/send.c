/* p4lab-send: paced UDP flows carrying flow id, sequence number and send time.
 *
 *   p4lab-send [--at NS] [--trace FILE] [--schedule FILE] [-f FLOW]...
 *
 * FLOW is a comma-separated key=value list (a schedule file holds one per line):
 *   id=N dst=IP:PORT [src=IP] [sport=N] [size=BYTES] pps=N | bps=N
 *   [start=S] [duration=S] [count=N] [pattern=const|poisson|onoff|burst]
 *   [on=S off=S] [burst=N] [seed=N]
 * `start` is seconds after --at (a CLOCK_REALTIME instant in ns, default now);
 * `size` is the UDP payload (>= 20); bps counts UDP payload bits.
 * Prints one JSON line at the end: {"sent":N,"cpu_s":S,"flows":[{"id":..,"sent":..}]}
 * (cpu_s: user + system CPU time, to tell a sender-limited run).
 */
#define _GNU_SOURCE
#include "p4lab.h"
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define MAX_FLOWS 1024
#define BATCH 64
#define MAX_PAYLOAD 65507
#define SLEEP_AHEAD_NS 200000 /* sleep when the next deadline is further away */
#define SPIN_MARGIN_NS 60000  /* wake this early, then spin to the deadline */

enum pattern { P_CONST, P_POISSON, P_ONOFF, P_BURST };

struct flow {
  uint32_t id;
  int fd;
  struct sockaddr_in dst;
  uint32_t src_ip;
  uint16_t sport;
  uint32_t size;
  double pps;
  enum pattern pattern;
  double on_s, off_s;
  uint32_t burst;
  double start_s, duration_s; /* duration_s < 0: none */
  uint64_t count;             /* 0: none */
  uint64_t seed;
  /* run state */
  uint64_t start_ns;
  double next_off_ns; /* offset of the next packet from start_ns */
  uint64_t deadline;  /* start_ns + next_off_ns, in integers: a double cannot hold realtime ns exactly */
  uint64_t k;         /* packets scheduled so far (the next seq) */
  uint64_t sent;
  int done;
};

static struct flow flows[MAX_FLOWS];
static unsigned nflows;
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("p4lab-send: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static double parse_num(const char *key, const char *v) {
  char *end;
  double d = strtod(v, &end);
  if (end == v || *end != '\0' || !isfinite(d) || d < 0) die("%s needs a non-negative number", key);
  return d;
}

static void parse_flow(char *spec) {
  if (nflows == MAX_FLOWS) die("too many flows (max %d)", MAX_FLOWS);
  struct flow *f = &flows[nflows++];
  memset(f, 0, sizeof *f);
  f->size = 64;
  f->duration_s = -1;
  f->seed = 1;
  f->dst.sin_family = AF_INET;
  int have_id = 0, have_dst = 0;
  double bps = 0;
  for (char *save = NULL, *kv = strtok_r(spec, ", \t\n", &save); kv; kv = strtok_r(NULL, ", \t\n", &save)) {
    char *eq = strchr(kv, '=');
    if (!eq) die("flow field '%s' is not key=value", kv);
    *eq = '\0';
    const char *k = kv, *v = eq + 1;
    if (!strcmp(k, "id")) { f->id = (uint32_t)parse_num(k, v); have_id = 1; }
    else if (!strcmp(k, "dst")) {
      char ip[64];
      const char *colon = strrchr(v, ':');
      if (!colon || (size_t)(colon - v) >= sizeof ip) die("dst '%s' must be IPv4:PORT", v);
      memcpy(ip, v, (size_t)(colon - v));
      ip[colon - v] = '\0';
      if (inet_pton(AF_INET, ip, &f->dst.sin_addr) != 1) die("dst '%s' must be IPv4:PORT", v);
      double port = parse_num(k, colon + 1);
      if (port < 1 || port > 65535) die("dst port in '%s' must be 1..65535", v);
      f->dst.sin_port = htons((uint16_t)port);
      have_dst = 1;
    }
    else if (!strcmp(k, "src")) { if (inet_pton(AF_INET, v, &f->src_ip) != 1) die("src '%s' must be an IPv4 address", v); }
    else if (!strcmp(k, "sport")) { double p = parse_num(k, v); if (p > 65535) die("sport %s > 65535", v); f->sport = (uint16_t)p; }
    else if (!strcmp(k, "size")) f->size = (uint32_t)parse_num(k, v);
    else if (!strcmp(k, "pps")) f->pps = parse_num(k, v);
    else if (!strcmp(k, "bps")) bps = parse_num(k, v);
    else if (!strcmp(k, "start")) f->start_s = parse_num(k, v);
    else if (!strcmp(k, "duration")) f->duration_s = parse_num(k, v);
    else if (!strcmp(k, "count")) f->count = (uint64_t)parse_num(k, v);
    else if (!strcmp(k, "on")) f->on_s = parse_num(k, v);
    else if (!strcmp(k, "off")) f->off_s = parse_num(k, v);
    else if (!strcmp(k, "burst")) f->burst = (uint32_t)parse_num(k, v);
    else if (!strcmp(k, "seed")) f->seed = (uint64_t)parse_num(k, v);
    else if (!strcmp(k, "pattern")) {
      if (!strcmp(v, "const")) f->pattern = P_CONST;
      else if (!strcmp(v, "poisson")) f->pattern = P_POISSON;
      else if (!strcmp(v, "onoff")) f->pattern = P_ONOFF;
      else if (!strcmp(v, "burst")) f->pattern = P_BURST;
      else die("pattern '%s' is not const, poisson, onoff or burst", v);
    }
    else die("unknown flow field '%s'", k);
  }
  if (!have_id || !have_dst) die("a flow needs id= and dst=");
  if (f->size < P4L_PKT_HDR || f->size > MAX_PAYLOAD) die("size must be 20..65507 bytes");
  if (bps > 0) f->pps = bps / (8.0 * f->size);
  if (f->pps <= 0) die("a flow needs pps= or bps= above 0");
  if (f->duration_s < 0 && f->count == 0) die("a flow needs duration= or count=");
  if (f->pattern == P_ONOFF && (f->on_s <= 0 || f->off_s < 0)) die("pattern=onoff needs on= > 0 and off=");
  if (f->pattern == P_BURST && f->burst == 0) die("pattern=burst needs burst= > 0");
  if (f->seed == 0) f->seed = 1;
}

/* xorshift64*: a small, seedable PRNG so Poisson runs are reproducible. */
static double uniform01(struct flow *f) {
  f->seed ^= f->seed >> 12;
  f->seed ^= f->seed << 25;
  f->seed ^= f->seed >> 27;
  return ((f->seed * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

/* Offset (ns from the flow's start) of packet k. Deterministic patterns are
 * computed from k, so rounding never accumulates into rate drift. */
static double offset_of(struct flow *f, uint64_t k) {
  switch (f->pattern) {
    case P_CONST: return (double)k * 1e9 / f->pps;
    case P_POISSON: return k == 0 ? 0 : f->next_off_ns - log(1.0 - uniform01(f)) * 1e9 / f->pps;
    case P_ONOFF: {
      double on_time = (double)k / f->pps; /* seconds of "on" needed */
      double periods = floor(on_time / f->on_s);
      return (periods * (f->on_s + f->off_s) + (on_time - periods * f->on_s)) * 1e9;
    }
    case P_BURST: return (double)(k / f->burst) * f->burst * 1e9 / f->pps;
  }
  return 0;
}

static void advance(struct flow *f) {
  f->k++;
  if (f->count && f->k >= f->count) { f->done = 1; return; }
  f->next_off_ns = offset_of(f, f->k);
  f->deadline = f->start_ns + (uint64_t)ceil(f->next_off_ns);
  if (f->duration_s >= 0 && f->next_off_ns >= f->duration_s * 1e9) f->done = 1;
}

static void open_socket(struct flow *f) {
  f->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (f->fd < 0) die("socket: %s", strerror(errno));
  int buf = 4 << 20;
  setsockopt(f->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  if (f->src_ip || f->sport) {
    int one = 1;
    setsockopt(f->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = htons(f->sport) };
    src.sin_addr.s_addr = f->src_ip;
    if (bind(f->fd, (struct sockaddr *)&src, sizeof src) < 0) die("bind to the flow's src/sport: %s", strerror(errno));
  }
}

static void read_schedule(const char *path) {
  FILE *fp = fopen(path, "r");
  if (!fp) die("cannot open schedule %s", path);
  char line[1024];
  while (fgets(line, sizeof line, fp)) {
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '#' || *p == '\n' || *p == '\0') continue;
    parse_flow(p);
  }
  fclose(fp);
}

static uint8_t *payload; /* BATCH buffers of the largest flow's size */
static uint32_t max_size;
static struct mmsghdr msgs[BATCH];
static struct iovec iovs[BATCH];
static uint32_t batch_seq[BATCH];
static struct trace trace;

/* Sends msgs[0, n) of flow f and records them; returns how many left (fewer
 * only when a stop request interrupts a blocked send). */
static unsigned send_batch(struct flow *f, unsigned n, uint64_t tx) {
  unsigned done = 0;
  while (done < n) {
    int r = sendmmsg(f->fd, msgs + done, n - done, 0);
    if (r < 0) {
      if (errno == EINTR && stop_requested) break;
      if (errno == EINTR || errno == EAGAIN || errno == ENOBUFS) continue;
      int err = errno;
      trace_flush(&trace); /* keep the record of what did leave */
      die("flow %u: sending to %s:%u: %s", f->id, inet_ntoa(f->dst.sin_addr), ntohs(f->dst.sin_port), strerror(err));
    }
    done += (unsigned)r;
  }
  for (unsigned i = 0; i < done; i++)
    if (trace_add(&trace, tx, 0, f->id, batch_seq[i], f->size) < 0) die("writing the trace: %s", strerror(errno));
  return done;
}

static const char usage[] =
  "usage: p4lab-send [--at NS] [--trace FILE] [--schedule FILE] [-f FLOW]...\n"
  "Sends paced UDP flows; each packet carries magic, flow id, seq and send time.\n"
  "  --at NS          start instant, CLOCK_REALTIME ns (default: now)\n"
  "  --trace FILE     write a trace of every packet sent\n"
  "  --schedule FILE  flows, one per line (same syntax as -f)\n"
  "  -f FLOW          id=N,dst=IP:PORT[,src=IP][,sport=N][,size=BYTES],pps=N|bps=N\n"
  "                   [,start=S][,duration=S][,count=N][,pattern=const|poisson|onoff|burst]\n"
  "                   [,on=S,off=S][,burst=N][,seed=N]   (size: UDP payload >= 20)\n";

int main(int argc, char **argv) {
  uint64_t at = 0;
  const char *trace_path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(usage, stdout); return 0; }
    if (i + 1 >= argc) die("%s needs a value (p4lab-send --help)", a);
    if (!strcmp(a, "--at")) {
      char *end;
      at = strtoull(argv[++i], &end, 10);
      if (*end || end == argv[i]) die("--at %s is not a number of nanoseconds", argv[i]);
    }
    else if (!strcmp(a, "--trace")) trace_path = argv[++i];
    else if (!strcmp(a, "--schedule")) read_schedule(argv[++i]);
    else if (!strcmp(a, "-f") || !strcmp(a, "--flow")) parse_flow(argv[++i]);
    else die("unknown argument %s (p4lab-send --help)", a);
  }
  if (nflows == 0) die("no flows: give -f id=..,dst=..,pps=..,duration=.. or --schedule FILE");
  if (trace_open(&trace, trace_path, P4L_KIND_SEND) < 0) die("cannot write trace %s", trace_path);

  struct sigaction sa = { .sa_handler = on_signal };
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  /* Stop cleanly when whatever started us goes away (a crashed notebook, or a
   * wrapper such as nsenter that does not pass signals on). */
  prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
  /* The default 50 µs timer slack would eat the margin we wake up with. */
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

  for (unsigned i = 0; i < nflows; i++) {
    open_socket(&flows[i]);
    if (flows[i].size > max_size) max_size = flows[i].size;
  }
  payload = calloc(BATCH, max_size);
  if (!payload) die("out of memory");
  uint64_t started = now_ns(CLOCK_REALTIME);
  if (at == 0) at = started;
  if (at < started) {
    /* Catching up on a missed schedule would send a burst: start late instead. */
    fprintf(stderr, "p4lab-send: --at was %.3f s ago; starting now\n", (double)(started - at) / 1e9);
    at = started;
  }
  for (unsigned i = 0; i < nflows; i++) {
    struct flow *f = &flows[i];
    f->start_ns = at + (uint64_t)(f->start_s * 1e9);
    f->next_off_ns = 0;
    f->deadline = f->start_ns;
    if (f->duration_s == 0) f->done = 1;
  }

  uint64_t total = 0;
  while (!stop_requested) {
    struct flow *f = NULL;
    for (unsigned i = 0; i < nflows; i++) {
      struct flow *c = &flows[i];
      if (!c->done && (!f || c->deadline < f->deadline)) f = c;
    }
    if (!f) break;
    uint64_t deadline = f->deadline;
    uint64_t now = now_ns(CLOCK_REALTIME);
    if (deadline > now + SLEEP_AHEAD_NS) {
      uint64_t wake = deadline - SPIN_MARGIN_NS;
      /* Sparse flows: wake at least twice a second to flush the trace. */
      if (wake > now + P4L_FLUSH_NS / 2) wake = now + P4L_FLUSH_NS / 2;
      struct timespec ts = { .tv_sec = (time_t)(wake / 1000000000ull), .tv_nsec = (long)(wake % 1000000000ull) };
      clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL);
      if (trace_tick(&trace, now_ns(CLOCK_MONOTONIC)) < 0) die("writing the trace: %s", strerror(errno));
      continue;
    }
    while (now < deadline) now = now_ns(CLOCK_REALTIME);

    /* Every packet of this flow already due goes out in one sendmmsg. */
    unsigned n = 0;
    while (n < BATCH && !f->done && f->deadline <= now) {
      uint8_t *p = payload + (size_t)n * max_size;
      put32(p, P4L_PKT_MAGIC);
      put32(p + 4, f->id);
      put32(p + 8, (uint32_t)f->k);
      put64(p + 12, now);
      iovs[n] = (struct iovec){ p, f->size };
      msgs[n].msg_hdr = (struct msghdr){ .msg_name = &f->dst, .msg_namelen = sizeof f->dst, .msg_iov = &iovs[n], .msg_iovlen = 1 };
      batch_seq[n] = (uint32_t)f->k;
      advance(f);
      n++;
    }
    if (n) {
      unsigned sent = send_batch(f, n, now);
      f->sent += sent;
      total += sent;
    }
    if (trace_tick(&trace, now_ns(CLOCK_MONOTONIC)) < 0) die("writing the trace: %s", strerror(errno));
  }
  if (trace_flush(&trace) < 0) die("writing the trace: %s", strerror(errno));

  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  printf("{\"sent\":%llu,\"cpu_s\":%.3f,\"flows\":[", (unsigned long long)total, cpu);
  for (unsigned i = 0; i < nflows; i++)
    printf("%s{\"id\":%u,\"sent\":%llu}", i ? "," : "", flows[i].id, (unsigned long long)flows[i].sent);
  printf("]}\n");
  return 0;
}
