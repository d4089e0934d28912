// The client against the real switch process (`p4lab switch`) with real veth
// ports: packets forwarded by entries the client wrote, queue rate set by a
// command file through the target service, and reconnection after the switch
// process is killed and started again (the ready handler runs again).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Switch } from '../../kernel-lib/p4runtime/client/index.js';
import { TargetClient } from '../../kernel-lib/switch/target/client.js';
import { canUseNetns, NetFixture, sendRaw } from '../switch/net-fixture.js';
import { bmv2, CPU_PORT, ipv4Frame, p4info } from './client-program.js';

const ROOT = new URL('../../', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts `p4lab switch` and resolves at its ready line. */
async function startSwitch(port: number, ifaces: string[]): Promise<ChildProcess> {
  const args = ['bin/p4lab.js', 'switch', '--no-p4', '--device-id', '1', '--grpc-server-addr', `127.0.0.1:${port}`, '--cpu-port', String(CPU_PORT)];
  ifaces.forEach((iface, i) => args.push('-i', `${i + 1}@${iface}`));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('p4lab-switch ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`switch exited (${code}) before ready: ${err}`)));
  });
  return child;
}

/** Receives the first IPv4 frame on `iface` in `ns`; gives up after 10 s (then resolves undefined). */
function captureOne(ns: string, iface: string): { ready: Promise<void>; frame: Promise<Buffer | undefined> } {
  const script = [
    'import socket, sys',
    's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))',
    `s.bind((${JSON.stringify(iface)}, 0))`,
    's.settimeout(10)',
    'print("ready", flush=True)',
    'try:',
    '    print(s.recv(2048).hex(), flush=True)',
    'except socket.timeout:',
    '    print("timeout", flush=True)',
  ].join('\n');
  const child = spawn('ip', ['netns', 'exec', ns, 'python3', '-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.startsWith('ready\n')) onReady();
  });
  const frame = once(child, 'exit').then(() => {
    const line = out.split('\n')[1] ?? '';
    return /^[0-9a-f]+$/.test(line) ? Buffer.from(line, 'hex') : undefined;
  });
  return { ready, frame };
}

describe.skipIf(!canUseNetns())('the real switch process (needs root and network namespaces)', () => {
  const net = new NetFixture('rcp');
  let port = 0;
  let proc: ChildProcess | undefined;
  let sw: Switch | undefined;
  let ns1 = '';
  let ns2 = '';
  let ifaces: string[] = [];
  let readies = 0;
  let readyAgain: () => void = () => undefined;

  beforeAll(async () => {
    ns1 = net.netns('a');
    ns2 = net.netns('b');
    const [near1] = net.veth('p1', 'h1', ns1);
    const [near2] = net.veth('p2', 'h2', ns2);
    ifaces = [near1, near2];
    port = await freePort();
    proc = await startSwitch(port, ifaces);
  });

  afterAll(async () => {
    await sw?.close();
    proc?.kill('SIGKILL');
    net.cleanup();
  });

  async function forwardedFrame(): Promise<Buffer | undefined> {
    const capture = captureOne(ns2, `${net.id}h2`);
    await capture.ready;
    sendRaw(ns1, `${net.id}h1`, [Buffer.from(ipv4Frame('10.0.2.9')).toString('hex')]);
    return capture.frame;
  }

  it('forwards packets with entries the ready handler wrote; a command file sets the queue rate', async () => {
    sw = await Switch.connect(`127.0.0.1:${port}`, {
      deviceId: 1,
      name: 's1',
      onReady: async (s) => {
        readies++;
        await s.push({ p4info, bmv2 });
        await s.runCommands('table_add ipv4_lpm ipv4_forward 10.0.2.0/24 => 00:00:00:00:02:02 2\nset_queue_rate 5000 2\nset_queue_depth 128 2');
        if (readies > 1) readyAgain();
      },
    });
    const frame = await forwardedFrame();
    expect(frame?.subarray(0, 6).toString('hex')).toBe('000000000202');
    expect(await sw.register('pkt_count').read(1)).toBe(1n);

    const target = new TargetClient(`127.0.0.1:${port}`);
    try {
      expect(await target.getQueue(2)).toMatchObject({ ratePps: 5000, depthPackets: 128 });
    } finally {
      target.close();
    }
  });

  it('reconnects after the switch process is killed and restarted, and runs the ready handler again', async () => {
    const again = new Promise<void>((r) => (readyAgain = r));
    proc!.kill('SIGKILL');
    await once(proc!, 'exit');
    proc = await startSwitch(port, ifaces);
    await again;
    expect(readies).toBe(2);
    expect(sw!.isPrimary).toBe(true);
    const frame = await forwardedFrame();
    expect(frame?.subarray(0, 6).toString('hex')).toBe('000000000202');
    // The new process started from zero.
    expect(await sw!.register('pkt_count').read(1)).toBe(1n);
  });
});
