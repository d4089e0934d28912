// Network namespaces and veth pairs for the switch tests, named after the test
// file and the pid so parallel runs never collide, and removed in cleanup().
import { execFileSync, spawnSync } from 'node:child_process';

export function canUseNetns(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('ip', ['netns', 'list']).status === 0;
}

export class NetFixture {
  readonly id: string;
  private readonly namespaces: string[] = [];
  private readonly links: string[] = [];

  /** `prefix`: 2–3 letters unique to the test file. */
  constructor(prefix: string) {
    this.id = `${prefix}${process.pid % 10000}`;
  }

  /** Creates namespace `<id><suffix>` with loopback up; returns its name. */
  netns(suffix: string): string {
    const name = `${this.id}${suffix}`;
    ip('netns', 'add', name);
    this.namespaces.push(name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    return name;
  }

  /**
   * A veth pair `<id><a>` (stays in this namespace, for the switch) and
   * `<id><b>` (moved into `peerNs`), both up, offloads off so frames stay
   * as sent. Returns the two names.
   */
  veth(a: string, b: string, peerNs: string): [string, string] {
    const near = `${this.id}${a}`;
    const far = `${this.id}${b}`;
    if (near.length > 15 || far.length > 15) throw new Error(`interface names too long: ${near}, ${far}`);
    ip('link', 'add', near, 'type', 'veth', 'peer', 'name', far);
    this.links.push(near);
    ip('link', 'set', far, 'netns', peerNs);
    ip('link', 'set', near, 'up');
    ip('-n', peerNs, 'link', 'set', far, 'up');
    // IPv6 would send router solicitations and DAD probes into the switch.
    sysctl(undefined, `net.ipv6.conf.${near}.disable_ipv6=1`);
    sysctl(peerNs, `net.ipv6.conf.${far}.disable_ipv6=1`);
    return [near, far];
  }

  cleanup(): void {
    for (const l of this.links) spawnSync('ip', ['link', 'del', l]);
    for (const n of this.namespaces) spawnSync('ip', ['netns', 'del', n]);
    this.links.length = 0;
    this.namespaces.length = 0;
  }
}

export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

function sysctl(ns: string | undefined, setting: string): void {
  const cmd = ns ? ['ip', 'netns', 'exec', ns, 'sysctl', '-qw', setting] : ['sysctl', '-qw', setting];
  spawnSync(cmd[0], cmd.slice(1));
}

/** Sends raw Ethernet frames (hex strings) out of `iface` inside `ns`. */
export function sendRaw(ns: string, iface: string, framesHex: string[]): void {
  const script = [
    'import socket, sys',
    's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)',
    `s.bind((${JSON.stringify(iface)}, 0))`,
    'for h in sys.argv[1:]: s.send(bytes.fromhex(h))',
  ].join('\n');
  execFileSync('ip', ['netns', 'exec', ns, 'python3', '-c', script, ...framesHex]);
}

export { runPktgen as pktgen, type PktgenResult } from '../../kernel-lib/native/pktgen.js';
