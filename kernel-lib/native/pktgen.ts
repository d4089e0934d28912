// Runs the native load generator (src/pktgen.cc): frames from one
// namespace's interface to another's, timed on both ends. Asynchronous, so a
// switch in the calling process keeps forwarding while it runs.
import { execFile } from 'node:child_process';
import { P4labError } from '../errors.js';
import { nativeToolPath } from './index.js';

/** What p4lab-pktgen prints (one JSON object) when it finishes. */
export interface PktgenResult {
  sent: number;
  received: number;
  seconds: number;
  txPps: number;
  rxPps: number;
  p50Ns: number;
  p99Ns: number;
  maxNs: number;
  maxGapNs: number;
}

export interface PktgenOptions {
  rate: number; // packets/s; 0 sends as fast as the socket takes them
  duration: number; // seconds
  size?: number; // frame bytes, 64..1514
  dstMac?: string;
  dstIp?: string;
}

/** `tx` and `rx` are NETNS:IFACE. */
export function runPktgen(tx: string, rx: string, opts: PktgenOptions): Promise<PktgenResult> {
  const tool = nativeToolPath('p4lab_pktgen');
  if (!tool) return Promise.reject(new P4labError('the load generator p4lab_pktgen is not built', 'build it with: npm run setup'));
  const args = ['--tx', tx, '--rx', rx, '--rate', String(opts.rate), '--duration', String(opts.duration)];
  if (opts.size) args.push('--size', String(opts.size));
  if (opts.dstMac) args.push('--dst-mac', opts.dstMac);
  if (opts.dstIp) args.push('--dst-ip', opts.dstIp);
  return new Promise((resolve, reject) => {
    execFile(tool, args, (err, stdout, stderr) => {
      if (err) reject(new Error(`p4lab-pktgen failed: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout) as PktgenResult);
    });
  });
}
