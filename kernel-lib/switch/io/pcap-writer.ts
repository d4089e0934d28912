// Classic pcap files (microsecond time stamps, Ethernet link type), as BMv2
// writes them per port. Records are gathered in a preallocated buffer and
// written out on flush(), which the switch calls after each batch, so a reader
// such as Wireshark sees complete records while the switch runs. A failed
// write (disk full) stops this file and is reported once; forwarding goes on.
import { closeSync, openSync, writeSync } from 'node:fs';
import { loadNative } from '../../native/index.js';

const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
const SNAPLEN = 65535;
const LINKTYPE_ETHERNET = 1;
const BUFFER_BYTES = 256 * 1024;

export class PcapWriter {
  private readonly fd: number;
  private readonly buffer = Buffer.alloc(BUFFER_BYTES);
  private used = 0;
  private failed = false;
  private readonly copy = loadNative().copyBytes;

  constructor(
    readonly path: string,
    /** clock[0]: the realtime clock in ns, which the owner keeps up to date (read, not passed: see write()). */
    private readonly clock: Float64Array,
    private readonly onError: (err: Error) => void,
  ) {
    this.fd = openSync(path, 'w');
    const h = this.buffer;
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8); // thiszone
    h.writeUInt32LE(0, 12); // sigfigs
    h.writeUInt32LE(SNAPLEN, 16);
    h.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    this.used = FILE_HEADER_BYTES;
    writeSync(this.fd, this.buffer, 0, this.used); // an unwritable file fails here, at open
    this.used = 0;
  }

  /** Adds one packet stamped with the clock; a time argument would be boxed in a heap number per packet. */
  write(data: Uint8Array, offset: number, length: number): void {
    if (this.failed) return;
    const realtimeNs = this.clock[0];
    const captured = Math.min(length, SNAPLEN, BUFFER_BYTES - RECORD_HEADER_BYTES);
    if (this.used + RECORD_HEADER_BYTES + captured > BUFFER_BYTES) this.flush();
    const b = this.buffer;
    const us = Math.floor(realtimeNs / 1000);
    const sec = Math.floor(us / 1e6);
    b.writeUInt32LE(sec, this.used);
    b.writeUInt32LE(us - sec * 1e6, this.used + 4);
    b.writeUInt32LE(captured, this.used + 8);
    b.writeUInt32LE(length, this.used + 12);
    this.copy(b, this.used + RECORD_HEADER_BYTES, data, offset, captured);
    this.used += RECORD_HEADER_BYTES + captured;
  }

  flush(): void {
    try {
      let done = 0;
      while (done < this.used) done += writeSync(this.fd, this.buffer, done, this.used - done);
    } catch (err) {
      this.failed = true;
      this.onError(err as Error);
    }
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
