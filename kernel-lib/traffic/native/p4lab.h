/* Shared by p4lab-send and p4lab-recv: the packet header, the trace file
 * format and the realtime clock. All integers little-endian.
 *
 * Packet payload (UDP), first 20 bytes:
 *   u32 magic 'P4LP', u32 flow, u32 seq, u64 tx_ns (CLOCK_REALTIME)
 * Sequence numbers are 32 bits and wrap from 2^32-1 to 0.
 *
 * Trace file: 32-byte header then 32-byte records.
 *   header: char[8] "P4LTRACE", u16 version (1), u16 header_size (32),
 *           u16 record_size (32), u16 kind (1 send, 2 recv), u64 created_ns,
 *           u64 reserved
 *   record: u64 tx_ns, u64 rx_ns (0 in send traces), u32 flow, u32 seq,
 *           u32 size (UDP payload bytes), u32 reserved
 */
#ifndef P4LAB_H
#define P4LAB_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <endian.h>
#include <fcntl.h>

#define P4L_PKT_MAGIC 0x504c3450u /* bytes "P4LP" */
#define P4L_PKT_HDR 20
#define P4L_TRACE_VERSION 1
#define P4L_TRACE_HDR 32
#define P4L_TRACE_REC 32
#define P4L_KIND_SEND 1
#define P4L_KIND_RECV 2
#define P4L_FLUSH_NS 1000000000ull
#define P4L_TRACE_BUF 4096 /* records per write(2) */

static inline uint64_t now_ns(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void put32(uint8_t *p, uint32_t v) { v = htole32(v); memcpy(p, &v, 4); }
static inline void put64(uint8_t *p, uint64_t v) { v = htole64(v); memcpy(p, &v, 8); }
static inline uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return le32toh(v); }
static inline uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return le64toh(v); }

/* A buffered trace writer: records go to the file at least once a second
 * (write(2) into the page cache survives a kill -9 of this process). */
struct trace {
  int fd;
  unsigned n;
  uint64_t last_flush; /* CLOCK_MONOTONIC ns */
  uint64_t written;
  uint8_t buf[P4L_TRACE_BUF * P4L_TRACE_REC];
};

static int write_all(int fd, const uint8_t *p, size_t len) {
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

static inline int trace_flush(struct trace *t) {
  t->last_flush = now_ns(CLOCK_MONOTONIC);
  if (t->fd < 0 || t->n == 0) return 0;
  int rc = write_all(t->fd, t->buf, (size_t)t->n * P4L_TRACE_REC);
  t->written += t->n;
  t->n = 0;
  return rc;
}

static inline int trace_add(struct trace *t, uint64_t tx, uint64_t rx, uint32_t flow, uint32_t seq, uint32_t size) {
  if (t->fd < 0) return 0;
  uint8_t *r = t->buf + (size_t)t->n * P4L_TRACE_REC;
  put64(r, tx);
  put64(r + 8, rx);
  put32(r + 16, flow);
  put32(r + 20, seq);
  put32(r + 24, size);
  put32(r + 28, 0);
  if (++t->n == P4L_TRACE_BUF) return trace_flush(t);
  return 0;
}

/* Flushes when the last flush is a second old; call from the main loop. */
static inline int trace_tick(struct trace *t, uint64_t mono_now) {
  if (t->n > 0 && mono_now - t->last_flush >= P4L_FLUSH_NS) return trace_flush(t);
  return 0;
}

static inline int trace_open(struct trace *t, const char *path, uint16_t kind) {
  t->n = 0;
  t->written = 0;
  t->last_flush = now_ns(CLOCK_MONOTONIC);
  t->fd = -1;
  if (!path) return 0;
  t->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (t->fd < 0) return -1;
  uint8_t h[P4L_TRACE_HDR] = {0};
  memcpy(h, "P4LTRACE", 8);
  h[8] = P4L_TRACE_VERSION; h[9] = 0;
  h[10] = P4L_TRACE_HDR; h[11] = 0;
  h[12] = P4L_TRACE_REC; h[13] = 0;
  h[14] = (uint8_t)kind; h[15] = 0;
  put64(h + 16, now_ns(CLOCK_REALTIME));
  return write_all(t->fd, h, sizeof h);
}

#endif
