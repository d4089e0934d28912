// The switch's ports: one AF_PACKET socket each (native), wire counters, an
// optional pcap pair per port and an emulated link in each direction: the
// receive side's applies before the pipeline, the transmit side's after it.
// Ports come and go at run time. Packets reach the handler as views into the
// shared receive buffer (created once per slot), so receiving allocates nothing;
// links and pcap files read the time from the ports' clock cells, since a time
// passed as an argument would be boxed in a heap number per packet.
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { P4labError } from '../../errors.js';
import { loadNative, type NativeAddon, type NativeOpenFailure, type PacketIo } from '../../native/index.js';
import { LinkEmulator } from '../link/link.js';
import { PcapWriter } from './pcap-writer.js';

/** Receive batch size and the largest frame received (jumbo frames fit). */
const BATCH = 64;
const SLOT_BYTES = 9216 + 64;
/** The native side keeps this many bytes in front of each slot for a VLAN tag. */
const HEADROOM = 4;
/** Busy polling: how long each event-loop turn watches the rings before serving timers and gRPC. */
const POLL_SPIN_NS = 100_000;
export const MAX_PORT = 510; // 9-bit port numbers; 511 is the drop port

export interface PortCounters {
  rxPackets: number;
  rxBytes: number;
  txPackets: number; // put on the wire (after link emulation)
  txBytes: number;
}

/** Which way through a port a link emulation applies: out of the switch (egress) or into it (ingress). */
export type LinkDirection = 'egress' | 'ingress';

export interface PortInfo {
  port: number;
  iface: string;
  counters: PortCounters;
  kernelDrops: number;
  rxTruncated: number;
  txErrors: number;
  rxChecksums: number;
  rxMode: 'ring' | 'recvmmsg';
  link: LinkEmulator;
  ingressLink: LinkEmulator;
}

interface Port {
  port: number;
  iface: string;
  counters: PortCounters;
  link: LinkEmulator;
  ingressLink: LinkEmulator;
  pcapIn: PcapWriter | undefined;
  pcapOut: PcapWriter | undefined;
}

export type ReceiveHandler = (port: number, data: Uint8Array, length: number) => void;

export class PortError extends P4labError {
  constructor(
    readonly code: 'INVALID_PORT' | 'PORT_IN_USE' | 'PORT_NOT_FOUND' | 'IFACE_NOT_FOUND' | 'IFACE_DOWN' | 'IFACE_ERROR',
    message: string,
    hint?: string,
    /** The PORT@IFACE binding that failed. */
    readonly binding?: string,
  ) {
    super(message, hint);
  }
}

export class PortSet {
  private readonly native: NativeAddon;
  private readonly io: PacketIo;
  private readonly copy: NativeAddon['copyBytes'];
  private readonly ports = new Map<number, Port>();
  /** Bindings whose sockets are being set up (addAll awaits the addon). */
  private readonly opening = new Set<{ port: number; iface: string }>();
  private readonly bound: Port[] = []; // the ports, for loops on the packet path (a Map iterator is an allocation)
  private readonly byNumber = new Array<Port | undefined>(MAX_PORT + 2).fill(undefined); // by port number, 511 included
  private readonly views: Uint8Array[] = [];
  /** Where a packet leaving an ingress link is put for the pipeline, which wants it at offset 0. */
  private readonly ingressScratch = new Uint8Array(SLOT_BYTES);
  private pcapDir: string | undefined;
  /** Packets the dataplane sent to a port number no interface is bound to. */
  unboundDrops = 0;
  /** The monotonic clock in ns, read once per batch (readClock). */
  nowNs = 0;
  /** [monotonic, realtime (only while capturing)] in ns, as of readClock(); the links and pcap files read their cell. */
  private readonly clocks = new Float64Array(2);
  private readonly monotonic = this.clocks.subarray(0, 1);
  private readonly realtime = this.clocks.subarray(1, 2);

  constructor(
    private readonly onReceive: ReceiveHandler,
    private readonly afterBatch: () => void,
    /** Problems that do not stop forwarding (a pcap file that cannot be written). */
    private readonly onWarning: (message: string) => void,
  ) {
    this.native = loadNative();
    this.copy = this.native.copyBytes;
    this.io = new this.native.PacketIo(BATCH, SLOT_BYTES, (count) => this.receiveBatch(count));
    const rx = this.io.rxData;
    for (let i = 0; i < BATCH; i++) {
      const base = rx.byteOffset + i * SLOT_BYTES;
      this.views.push(new Uint8Array(rx.buffer, base, SLOT_BYTES)); // VLAN tag restored
      this.views.push(new Uint8Array(rx.buffer, base + HEADROOM, SLOT_BYTES - HEADROOM));
    }
  }

  /** Opens `iface` as `port`; a PortError names the problem and the fix. */
  add(port: number, iface: string): Promise<void> {
    return this.addAll([{ port, iface }]);
  }

  /**
   * Opens several ports at once (their sockets are set up side by side, off
   * the event loop, see the addon), all or none: on a failure the others are
   * closed again and a PortError names the failing binding (`binding`) and
   * the fix.
   */
  async addAll(bindings: ReadonlyArray<{ port: number; iface: string }>): Promise<void> {
    bindings.forEach(({ port, iface }, i) => {
      if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
        throw new PortError('INVALID_PORT', `port number ${port} is out of range`, `use 0..${MAX_PORT} (511 is the drop port)`, `${port}@${iface}`);
      }
      const taken = [...this.ports.values(), ...this.opening, ...bindings.slice(0, i)];
      const bound = taken.find((b) => b.port === port);
      if (bound) throw new PortError('PORT_IN_USE', `port ${port} is already bound to ${bound.iface}`, 'remove it first or pick another number', `${port}@${iface}`);
      const owner = taken.find((p) => p.iface === iface);
      if (owner) throw new PortError('PORT_IN_USE', `interface ${iface} is already port ${owner.port}`, 'bind each interface once', `${port}@${iface}`);
    });
    for (const b of bindings) this.opening.add(b);
    let failures: Awaited<ReturnType<PacketIo['open']>>;
    try {
      failures = await this.io.open(
        bindings.map((b) => b.port),
        bindings.map((b) => b.iface),
      );
    } finally {
      for (const b of bindings) this.opening.delete(b);
    }
    const failed = failures.findIndex((f) => f !== undefined);
    if (failed >= 0) {
      bindings.forEach(({ port }, i) => failures[i] === undefined && this.io.close(port));
      const { port, iface } = bindings[failed]!;
      throw openError(iface, failures[failed]!, `${port}@${iface}`);
    }
    const added: Port[] = [];
    try {
      for (const { port, iface } of bindings) {
        const entry: Port = {
          port,
          iface,
          counters: { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0 },
          link: new LinkEmulator((data, offset, length) => this.sendNow(entry, data, offset, length), this.monotonic),
          ingressLink: new LinkEmulator((data, offset, length) => this.deliver(entry, data, offset, length), this.monotonic),
          pcapIn: undefined,
          pcapOut: undefined,
        };
        added.push(entry);
        if (this.pcapDir !== undefined) this.openPcaps(entry, this.pcapDir);
      }
    } catch (err) {
      for (const entry of added) {
        this.closePcaps(entry);
        this.io.close(entry.port);
      }
      throw err;
    }
    for (const entry of added) {
      this.ports.set(entry.port, entry);
      this.bound.push(entry);
      this.byNumber[entry.port] = entry;
    }
  }

  /** Closes a port; packets its link still holds are discarded. */
  remove(port: number): void {
    const entry = this.ports.get(port);
    if (!entry) throw new PortError('PORT_NOT_FOUND', `port ${port} does not exist`, 'list the ports with the target service (ListPorts)');
    this.io.close(port);
    this.closePcaps(entry);
    this.ports.delete(port);
    this.bound.splice(this.bound.indexOf(entry), 1);
    this.byNumber[port] = undefined;
  }

  get size(): number {
    return this.ports.size;
  }

  link(port: number, direction: LinkDirection = 'egress'): LinkEmulator | undefined {
    const entry = this.ports.get(port);
    return direction === 'egress' ? entry?.link : entry?.ingressLink;
  }

  /** How the ports receive: 'ring' when every port has a PACKET_MMAP ring, else 'recvmmsg' or 'mixed'. */
  rxMode(): string {
    const modes = new Set([...this.ports.keys()].map((p) => this.io.stats(p)?.rxMode));
    return modes.size === 0 ? 'none' : modes.size === 1 ? [...modes][0]! : 'mixed';
  }

  /** Why `port` has no receive ring ('' when it has one). */
  ringFailure(port: number): string {
    return this.io.stats(port)?.ringFailure ?? '';
  }

  list(): PortInfo[] {
    return [...this.ports.values()]
      .sort((a, b) => a.port - b.port)
      .map((p) => {
        const s = this.io.stats(p.port);
        return {
          port: p.port,
          iface: p.iface,
          counters: { ...p.counters },
          kernelDrops: s?.kernelDrops ?? 0,
          rxTruncated: s?.rxTruncated ?? 0,
          txErrors: s?.txErrors ?? 0,
          rxChecksums: s?.rxChecksums ?? 0,
          rxMode: s?.rxMode ?? 'recvmmsg',
          link: p.link,
          ingressLink: p.ingressLink,
        };
      });
  }

  /** Starts (a directory) or stops (undefined) pcap capture on every port. */
  setPcap(dir: string | undefined): void {
    for (const p of this.ports.values()) this.closePcaps(p);
    this.pcapDir = dir;
    if (dir !== undefined) for (const p of this.ports.values()) this.openPcaps(p, dir);
  }

  get pcapDirectory(): string | undefined {
    return this.pcapDir;
  }

  /** Sends a packet out of `port`, through its emulated link; unknown ports drop it. */
  transmit(port: number, data: Uint8Array, length: number): void {
    const entry = this.byNumber[port];
    if (entry === undefined) {
      this.unboundDrops++;
      return;
    }
    if (entry.link.active) entry.link.transmit(data, 0, length);
    else this.sendNow(entry, data, 0, length);
  }

  /**
   * Releases the packets links hold that are due now: into the pipeline
   * (ingress) or onto the wire (egress). Returns ns until the next pending
   * release (a whole number), or -1.
   */
  releaseLinks(direction: LinkDirection): number {
    let next = -1;
    const bound = this.bound;
    for (let i = 0; i < bound.length; i++) {
      const link = direction === 'egress' ? bound[i]!.link : bound[i]!.ingressLink;
      if (link.pending === 0) continue;
      const wait = link.release();
      if (wait >= 0 && (next < 0 || wait < next)) next = wait;
    }
    return next;
  }

  readClock(): void {
    const capturing = this.pcapDir !== undefined; // only pcap records use the realtime clock
    this.native.readClocks(capturing ? this.clocks : this.monotonic);
    this.nowNs = this.clocks[0];
  }

  /** Puts staged packets on the wire and pcap records on disk. */
  flush(): void {
    this.io.flush();
    if (this.pcapDir === undefined) return;
    for (const p of this.ports.values()) {
      p.pcapIn?.flush();
      p.pcapOut?.flush();
    }
  }

  /**
   * Busy polling, for a switch with a core of its own: the event loop watches
   * the receive rings instead of sleeping until the kernel wakes it, which
   * removes the wake-up latency (milliseconds at worst on a virtual machine)
   * at the price of that core. Timers and gRPC are served between polls.
   */
  busyPoll(): void {
    // The highest nice level for this thread only (Linux nice is per thread):
    // a thread that never sleeps earns no wake-up credit, so without it any
    // other runnable thread on the core would take turns of milliseconds.
    try {
      setPriority(-20);
    } catch (err) {
      this.onWarning(`busy polling at normal priority: cannot raise it (${(err as Error).message}); other threads may delay packets by milliseconds`);
    }
    this.io.busyPoll(POLL_SPIN_NS);
  }

  close(): void {
    this.io.closeAll();
    for (const p of this.ports.values()) this.closePcaps(p);
    this.ports.clear();
    this.bound.length = 0;
    this.byNumber.fill(undefined);
  }

  private receiveBatch(count: number): void {
    this.readClock();
    const { rxOffsets, rxLengths, rxPorts } = this.io;
    for (let i = 0; i < count; i++) {
      const entry = this.byNumber[rxPorts[i]];
      if (entry === undefined) continue;
      const offset = rxOffsets[i];
      const length = rxLengths[i];
      const slot = (offset / SLOT_BYTES) | 0;
      const view = this.views[2 * slot + (offset === slot * SLOT_BYTES ? 0 : 1)];
      entry.counters.rxPackets++;
      entry.counters.rxBytes += length;
      entry.pcapIn?.write(view, 0, length);
      if (entry.ingressLink.active) entry.ingressLink.transmit(view, 0, length);
      else this.onReceive(entry.port, view, length);
    }
    this.afterBatch();
  }

  /** A packet leaving a port's ingress link enters the pipeline. */
  private deliver(entry: Port, data: Uint8Array, offset: number, length: number): void {
    this.copy(this.ingressScratch, 0, data, offset, length);
    this.onReceive(entry.port, this.ingressScratch, length);
  }

  private sendNow(entry: Port, data: Uint8Array, offset: number, length: number): void {
    if (!this.io.send(entry.port, data, offset, length)) return;
    entry.counters.txPackets++;
    entry.counters.txBytes += length;
    entry.pcapOut?.write(data, offset, length);
  }

  private openPcaps(p: Port, dir: string): void {
    try {
      const stopped = (err: Error) => this.onWarning(`pcap capture on port ${p.port} stopped: ${err.message}`);
      p.pcapIn = new PcapWriter(join(dir, `${p.iface}_in.pcap`), this.realtime, stopped);
      p.pcapOut = new PcapWriter(join(dir, `${p.iface}_out.pcap`), this.realtime, stopped);
    } catch (err) {
      this.closePcaps(p);
      throw new P4labError(`cannot write pcap files in ${dir}: ${(err as Error).message}`, 'give an existing, writable directory');
    }
  }

  private closePcaps(p: Port): void {
    p.pcapIn?.close();
    p.pcapOut?.close();
    p.pcapIn = undefined;
    p.pcapOut = undefined;
  }
}

function openError(iface: string, failure: NativeOpenFailure, binding: string): PortError {
  switch (failure.code) {
    case 'IFACE_NOT_FOUND':
      return new PortError('IFACE_NOT_FOUND', `interface '${iface}' not found`, 'create it first (ip link add ...) or correct the name', binding);
    case 'IFACE_DOWN':
      return new PortError('IFACE_DOWN', `interface '${iface}' is down`, `bring it up: ip link set ${iface} up`, binding);
    default:
      return new PortError('IFACE_ERROR', failure.message, 'run the switch as root (it needs CAP_NET_RAW)', binding);
  }
}
