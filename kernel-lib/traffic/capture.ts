// Packet capture on a host's interface into a pcap file (tcpdump).
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { TrafficHost } from './host.js';
import { ToolProcess } from './tool-process.js';

export interface CaptureOptions {
  /** A pcap-filter expression, e.g. "udp port 46000". */
  filter?: string;
  /** Bytes kept per packet; default 256 (headers plus the p4lab header). */
  snaplen?: number;
}

export interface Capture {
  /** The pcap file (a path on this machine). */
  readonly path: string;
  /** Stops the capture; resolves with the number of packets tcpdump wrote. */
  stop(): Promise<{ path: string; packets: number }>;
}

/** Starts tcpdump on `iface` inside `host`, writing to `file` (a path on this machine); resolves once it listens. */
export async function startCapture(host: TrafficHost, iface: string, file: string, options: CaptureOptions = {}): Promise<Capture> {
  mkdirSync(path.dirname(file), { recursive: true });
  // --immediate-mode: without it packets wait in the kernel ring for up to 1 s,
  // and those still there when stop() ends tcpdump are lost.
  const argv = ['tcpdump', '-i', iface, '-n', '-U', '--immediate-mode', '-s', String(options.snaplen ?? 256), '-w', host.hostPath(file)];
  if (options.filter) argv.push(...options.filter.split(/\s+/));
  const p = new ToolProcess(`tcpdump on ${host.name}:${iface}`, host.spawn(argv));
  await p.waitFor(/listening on/, 10_000, 'stderr');
  return {
    path: file,
    async stop() {
      p.signal('SIGTERM');
      await p.exited;
      const m = /(\d+) packets? captured/.exec(p.stderr);
      return { path: file, packets: m ? Number(m[1]) : 0 };
    },
  };
}
