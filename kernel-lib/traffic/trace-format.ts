// The binary trace format written by p4lab-send and p4lab-recv
// (see kernel-lib/traffic/native/p4lab.h for the C side).
//
//   header (32 B): "P4LTRACE", u16 version, u16 header_size, u16 record_size,
//                  u16 kind (1 send, 2 recv), u64 created_ns, u64 reserved
//   record (32 B): u64 tx_ns, u64 rx_ns (0 in send traces), u32 flow,
//                  u32 seq, u32 size, u32 reserved
// All little-endian; times are CLOCK_REALTIME nanoseconds.

export const TRACE_MAGIC = 'P4LTRACE';
export const TRACE_VERSION = 1;
export const TRACE_HEADER_BYTES = 32;
export const TRACE_RECORD_BYTES = 32;
/** Record fields in 32-bit words. */
export const W = { txLo: 0, txHi: 1, rxLo: 2, rxHi: 3, flow: 4, seq: 5, size: 6 } as const;
export const RECORD_WORDS = TRACE_RECORD_BYTES / 4;

export type TraceKind = 'send' | 'recv';
export const TRACE_KINDS: Record<number, TraceKind> = { 1: 'send', 2: 'recv' };

/** Sequence numbers are 32 bits wide and wrap from 2^32 − 1 to 0. */
export const SEQ_MODULUS = 2 ** 32;
