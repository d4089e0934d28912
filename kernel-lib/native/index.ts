// Typed access to p4lab's native addon (build/native/p4lab_native.node), which
// scripts/setup.d/20-native.sh builds from kernel-lib/native/src.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { P4labError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** Counters the native side keeps per port (kernel drops are accumulated). */
export interface NativePortStats {
  ifname: string;
  kernelDrops: number; // dropped by the kernel: the socket buffer was full
  rxTruncated: number; // larger than a receive slot
  rxChecksums: number; // UDP/TCP checksums completed for a sender that offloaded them
  /** How packets are received: a PACKET_MMAP ring, or recvmmsg when the kernel refused one (see ringFailure). */
  rxMode: 'ring' | 'recvmmsg';
  ringFailure: string;
  txErrors: number; // refused by the socket on transmit
}

/**
 * AF_PACKET sockets, one per switch port, each read through a PACKET_MMAP
 * ring (TPACKET_V2). Frames arrive as a real NIC would hand them over: a VLAN
 * tag the kernel stripped is put back and a UDP/TCP checksum the sender left
 * to offload is completed. Received packets are delivered in
 * batches: `onBatch(count)` is called with packet i at
 * `rxData[rxOffsets[i] .. + rxLengths[i]]`, from port `rxPorts[i]`; the arrays are
 * reused by the next batch.
 */
export interface PacketIo {
  readonly rxData: Buffer;
  readonly rxOffsets: Uint32Array;
  readonly rxLengths: Uint32Array;
  readonly rxPorts: Uint32Array;
  /**
   * Opens ports[i] on ifnames[i], all side by side; returns per port nothing
   * or why it failed (`code` IFACE_NOT_FOUND, IFACE_DOWN, IFACE_ERROR or
   * PORT_IN_USE). The others are open either way.
   */
  /** Resolves once the ports that could be opened receive; per port, undefined or why it failed. */
  open(ports: number[], ifnames: string[]): Promise<Array<NativeOpenFailure | undefined>>;
  close(port: number): boolean;
  /** Copies the packet into the port's transmit batch; false when the port is not open. */
  send(port: number, data: Uint8Array, offset: number, length: number): boolean;
  /** Transmits every staged packet (sendmmsg per port). */
  flush(): void;
  stats(port: number): NativePortStats | undefined;
  closeAll(): void;
  /** Busy polling: each event-loop turn watches the receive rings for up to spinNs (0: off, sleep in epoll). */
  busyPoll(spinNs: number): void;
}

export interface NativeOpenFailure {
  message: string;
  code: 'IFACE_NOT_FOUND' | 'IFACE_DOWN' | 'IFACE_ERROR' | 'PORT_IN_USE';
}

/** A one-shot timer on CLOCK_MONOTONIC with microsecond-level precision. */
export interface PreciseTimer {
  /** Fires once at at[0] (monotonic ns; at once if passed): an array, as a number this large would be a heap object per call. */
  armAt(at: Float64Array): void;
  disarm(): void;
  close(): void;
}

export interface NativeAddon {
  PacketIo: new (batch: number, slotSize: number, onBatch: (count: number) => void) => PacketIo;
  PreciseTimer: new (callback: () => void) => PreciseTimer;
  /**
   * Writes the monotonic clock (the timer's time base) into out[0] and, when
   * out has a second element, the realtime clock into out[1], in ns. Into an
   * array because a returned number would be a heap object per reading.
   */
  readClocks(out: Float64Array): void;
  /** memmove between byte arrays, without the view subarray() would allocate. */
  copyBytes(dst: Uint8Array, dstOffset: number, src: Uint8Array, srcOffset: number, length: number): void;
}

let addon: NativeAddon | undefined;

/** Loads the addon once; a P4labError says how to build it when it is missing. */
export function loadNative(): NativeAddon {
  if (addon) return addon;
  const path = findAddon();
  if (!path) {
    throw new P4labError('the native addon build/native/p4lab_native.node is missing', 'build it with: npm run setup');
  }
  addon = createRequire(import.meta.url)(path) as NativeAddon;
  return addon;
}

/** A benchmark tool built next to the addon: the load generator (pktgen.ts runs it) or the reference forwarder. */
export function nativeToolPath(tool: 'p4lab_pktgen' | 'p4lab_reference_forwarder'): string | undefined {
  const addonPath = findAddon();
  return addonPath ? join(dirname(addonPath), tool) : undefined;
}

function findAddon(): string | undefined {
  const path = join(PACKAGE_ROOT, 'build', 'native', 'p4lab_native.node');
  return existsSync(path) ? path : undefined;
}
