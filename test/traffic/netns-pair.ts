// Two network namespaces joined by a veth pair, named uniquely for one test
// file, for traffic tests. Addresses: a = 10.0.0.1/24, b = 10.0.0.2/24.
import { execFileSync } from 'node:child_process';
import { NetnsTrafficHost } from '../../kernel-lib/traffic/host.js';

export interface NetnsPair {
  a: NetnsTrafficHost;
  b: NetnsTrafficHost;
  /** veth ends inside a and b. */
  ifA: string;
  ifB: string;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Why namespaces cannot be made here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'iproute2 (ip) is not installed';
  }
  return null;
}

export function createNetnsPair(prefix: string): NetnsPair {
  const id = `${prefix}${process.pid % 10000}`;
  const nsA = `${id}a`, nsB = `${id}b`, ifA = `${id}va`, ifB = `${id}vb`;
  const remove = () => {
    for (const ns of [nsA, nsB]) {
      try { ip('netns', 'del', ns); } catch { /* already gone */ }
    }
  };
  remove();
  try {
    ip('netns', 'add', nsA);
    ip('netns', 'add', nsB);
    ip('link', 'add', ifA, 'netns', nsA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB);
    for (const [ns, dev, addr] of [[nsA, ifA, '10.0.0.1/24'], [nsB, ifB, '10.0.0.2/24']] as const) {
      ip('-n', ns, 'addr', 'add', addr, 'dev', dev);
      ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
  } catch (e) {
    remove();
    throw e;
  }
  return { a: new NetnsTrafficHost(nsA), b: new NetnsTrafficHost(nsB), ifA, ifB, remove };
}
