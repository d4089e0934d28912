// Packet bytes for the engine tests: Ethernet, IPv4 (with a correct header
// checksum) and a payload, built by hand so tests read like packet captures.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bmv2Json } from '../../kernel-lib/bmv2/json-format.js';

export function fixture(name: string): Bmv2Json {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`../fixtures/bmv2/${name}.json`, import.meta.url)), 'utf8')) as Bmv2Json;
}

export function mac(s: string): number[] {
  return s.split(':').map((x) => parseInt(x, 16));
}

export function ip(s: string): number[] {
  return s.split('.').map(Number);
}

export function ipv4Checksum(header: Uint8Array | number[]): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i]! << 8) | (header[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface Ipv4PacketSpec {
  dstMac?: string;
  srcMac?: string;
  src?: string;
  dst?: string;
  ttl?: number;
  protocol?: number;
  payload?: number[];
  badChecksum?: boolean;
  totalBytes?: number; // pad the payload so the frame has this length
}

export function ipv4Packet(s: Ipv4PacketSpec = {}): Uint8Array {
  let payload = s.payload ?? [0xde, 0xad, 0xbe, 0xef];
  if (s.totalBytes !== undefined) payload = [...payload, ...new Array(Math.max(0, s.totalBytes - 34 - payload.length)).fill(0x5a)];
  const ipHeader = [
    0x45, 0x00, 0, 0, 0x12, 0x34, 0x40, 0x00, s.ttl ?? 64, s.protocol ?? 17, 0, 0,
    ...ip(s.src ?? '10.0.1.1'), ...ip(s.dst ?? '10.0.2.2'),
  ];
  const total = 20 + payload.length;
  ipHeader[2] = total >> 8;
  ipHeader[3] = total & 0xff;
  const ck = ipv4Checksum(ipHeader) ^ (s.badChecksum ? 0x1111 : 0);
  ipHeader[10] = ck >> 8;
  ipHeader[11] = ck & 0xff;
  return Uint8Array.from([...mac(s.dstMac ?? '00:00:00:00:01:01'), ...mac(s.srcMac ?? '00:00:00:00:01:02'), 0x08, 0x00, ...ipHeader, ...payload]);
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Collects what a dataplane transmits, copying each packet (views are valid only during the call). */
export function capture(dp: { onTransmit(h: (port: number, data: Uint8Array, length: number) => void): void }): Array<{ port: number; data: Uint8Array }> {
  const out: Array<{ port: number; data: Uint8Array }> = [];
  dp.onTransmit((port, data, length) => out.push({ port, data: data.slice(0, length) }));
  return out;
}
