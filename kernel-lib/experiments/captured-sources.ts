// Source addresses of the p4lab packets a receiver got, read from its pcap
// capture: the receive trace keeps no addresses, and checking NAT needs the
// address each packet arrived with. Each packet is identified by the p4lab
// header in its UDP payload (magic, flow, seq, tx_ns).
import { readFile } from 'node:fs/promises';
import { P4labError } from '../errors.js';

export interface CapturedPacket {
  flow: number;
  seq: number;
  /** Send time, ns since `originNs`. */
  tx_ns: number;
  src: string;
  dst: string;
}

const PKT_MAGIC = 0x504c3450; // "P4LP", little-endian u32

/** p4lab packets in a pcap file (Ethernet, microsecond or nanosecond timestamps). */
export async function readCapturedPackets(file: string, originNs: bigint): Promise<CapturedPacket[]> {
  const b = await readFile(file);
  if (b.length < 24) throw new P4labError(`${file} is not a pcap file (${b.length} bytes)`, 'capture with startCapture()');
  const magic = b.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new P4labError(`${file} is not a little-endian pcap file`, 'capture with startCapture() (tcpdump -w)');
  if (b.readUInt32LE(20) !== 1) throw new P4labError(`${file}: link type ${b.readUInt32LE(20)} is not Ethernet`, 'capture on a host interface');
  const out: CapturedPacket[] = [];
  const ip = (o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  for (let o = 24; o + 16 <= b.length; ) {
    const len = b.readUInt32LE(o + 8);
    const p = o + 16;
    o = p + len;
    if (o > b.length) break; // a capture stopped mid-record
    if (len < 34 || b.readUInt16BE(p + 12) !== 0x0800 || b[p + 23] !== 17) continue;
    const udp = p + 14 + (b[p + 14]! & 0xf) * 4;
    const pl = udp + 8;
    if (pl + 20 > p + len || b.readUInt32LE(pl) !== PKT_MAGIC) continue;
    out.push({
      flow: b.readUInt32LE(pl + 4),
      seq: b.readUInt32LE(pl + 8),
      tx_ns: Number(b.readBigUInt64LE(pl + 12) - originNs),
      src: ip(p + 26),
      dst: ip(p + 30),
    });
  }
  return out;
}
