// `p4lab switch --devices FILE`: one process hosting several devices, each with
// its own ports, device id and gRPC address: a ready line per device,
// forwarding on one while another is programmed over P4Runtime, a device that
// fails reported with its log lines while the others keep running, busy
// polling, SIGTERM stopping all, and clear errors for bad device files.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Switch } from '../../kernel-lib/p4runtime/client/index.js';
import type { P4Info } from '../../kernel-lib/p4info/types.js';
import { TargetClient } from '../../kernel-lib/switch/target/client.js';
import { canUseNetns, NetFixture, pktgen } from './net-fixture.js';
import { FIXTURE_DIR } from './switch-process.js';

const BIN = fileURLToPath(new URL('../../bin/p4lab.js', import.meta.url));
const PORT_FORWARD = join(FIXTURE_DIR, 'port_forward.json');
const dir = mkdtempSync(join(tmpdir(), 'p4lab-pd-'));
let files = 0;

function devicesFile(devices: unknown): string {
  const file = join(dir, `devices-${++files}.json`);
  writeFileSync(file, typeof devices === 'string' ? devices : JSON.stringify(devices));
  return file;
}

interface Running {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** Starts the process and resolves once it printed a ready or failed line for every device id given. */
function startDevices(file: string, ids: number[]): Promise<Running> {
  const proc = spawn(process.execPath, [BIN, 'switch', '--devices', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (ids.every((id) => new RegExp(`^p4lab-switch (ready|failed) device=${id}\\b`, 'm').test(out))) resolve({ proc, stdout: () => out, stderr: () => err, exited });
    });
    void exited.then((code) => reject(new Error(`exited (${code}) before every device reported: ${out}\n${err}`)));
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const addressOf = (out: string, id: number): string => new RegExp(`^p4lab-switch ready device=${id} grpc=(\\S+)`, 'm').exec(out)![1]!;

describe.skipIf(!canUseNetns())('p4lab switch --devices: several devices in one process (needs root and ip netns)', () => {
  const net = new NetFixture('pd');
  let nsA: string, nsB: string, a0: string, a1: string, b0: string, b1: string;
  let sw: Running;
  const log4 = join(dir, 'device4.log');

  beforeAll(async () => {
    nsA = net.netns('a');
    nsB = net.netns('b');
    [a0, a1] = net.veth('a0', 'a1', nsA);
    [b0, b1] = net.veth('b0', 'b1', nsB);
    const file = devicesFile([
      { 'device-id': 3, interface: [`1@${a0}`, `2@${b0}`], program: PORT_FORWARD, 'log-level': 'warn', 'busy-poll': true },
      { 'device-id': 4, 'cpu-port': 64, 'log-file': log4 },
      { 'device-id': 5, interface: [`1@${net.id}nope`], 'log-file': join(dir, 'device5.log') },
    ]);
    sw = await startDevices(file, [3, 4, 5]);
  });

  afterAll(async () => {
    if (sw?.proc.exitCode === null) {
      sw.proc.kill('SIGKILL');
      await sw.exited;
    }
    net.cleanup();
  });

  it('prints a ready line per device, each with its own gRPC address, in the single-device format', () => {
    expect(sw.stdout()).toMatch(/^p4lab-switch ready device=3 grpc=127\.0\.0\.1:\d+ ports=2 rx=ring$/m);
    expect(sw.stdout()).toMatch(/^p4lab-switch ready device=4 grpc=127\.0\.0\.1:\d+ ports=0 rx=none$/m);
    expect(addressOf(sw.stdout(), 3)).not.toBe(addressOf(sw.stdout(), 4));
  });

  it('reports the device that failed, with the reason, while the others run', () => {
    // The reason is on the line itself (stderr, another pipe, may arrive later).
    expect(sw.stdout()).toMatch(new RegExp(`^p4lab-switch failed device=5: -i 1@${net.id}nope: interface '${net.id}nope' not found`, 'm'));
    expect(sw.proc.exitCode).toBe(null);
  });

  it('forwards on one device while another serves P4Runtime under its own device id', async () => {
    const r = await pktgen(`${nsA}:${a1}`, `${nsB}:${b1}`, { rate: 2000, duration: 0.3 });
    expect(r.received).toBe(r.sent);
    const p4rt = await Switch.connect(addressOf(sw.stdout(), 4), { deviceId: 4 });
    try {
      await p4rt.push({
        p4info: JSON.parse(readFileSync(join(FIXTURE_DIR, 'p4rt_features.p4info.json'), 'utf8')) as P4Info,
        bmv2: readFileSync(join(FIXTURE_DIR, 'p4rt_features.json')),
      });
      await p4rt.waitForPrimary();
      // The fixture echoes a packet-out back as a packet-in with reason 2.
      const frame = Buffer.from('ffffffffffff0200000000010800' + '00'.repeat(50), 'hex');
      const incoming = p4rt.packets()[Symbol.asyncIterator]();
      p4rt.packetOut(frame, { egress_port: 5 });
      expect((await incoming.next()).value.metadata).toEqual({ ingress_port: 5n, reason: 2n });
    } finally {
      await p4rt.close();
    }
    // Device 3 keeps its own program and ports: still forwarding after device 4's push.
    const again = await pktgen(`${nsB}:${b1}`, `${nsA}:${a1}`, { rate: 2000, duration: 0.3 });
    expect(again.received).toBe(again.sent);
  });

  it('busy-polls for device 3 on the main thread alone, at its highest priority, while gRPC is still served', () => {
    // /proc/PID/task/TID/stat: field 19 is the nice value; the main thread's TID is the PID.
    const nice = (tid: string): number => Number(readFileSync(`/proc/${sw.proc.pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    const threads = readdirSync(`/proc/${sw.proc.pid}/task`);
    expect(nice(String(sw.proc.pid))).toBe(-20);
    expect(threads.filter((t) => nice(t) === -20)).toEqual([String(sw.proc.pid)]);
  });

  it("keeps each device's target service to its own ports", async () => {
    const t3 = new TargetClient(addressOf(sw.stdout(), 3));
    const t4 = new TargetClient(addressOf(sw.stdout(), 4));
    try {
      expect(await t3.listPorts()).toEqual([{ port: 1, iface: a0 }, { port: 2, iface: b0 }]);
      expect(await t4.listPorts()).toEqual([]);
    } finally {
      t3.close();
      t4.close();
    }
    expect(readFileSync(log4, 'utf8')).toMatch(/\[info\] device 4 serving gRPC on 127\.0\.0\.1:\d+/);
  });

  it('stops every device on SIGTERM and exits 0', async () => {
    sw.proc.kill('SIGTERM');
    expect(await sw.exited).toBe(0);
  });
});

describe('p4lab switch --devices: bad device files', () => {
  it('rejects each with one clear message and exit code 1', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--devices', devicesFile('not json')], /--devices \S+: Unexpected token/],
      [['--devices', devicesFile([])], /not a non-empty JSON array/],
      [['--devices', devicesFile([{ 'device-id': 1, ports: ['1@x'] }])], /entry 1: unknown key "ports"/],
      [['--devices', devicesFile([{ 'device-id': 'one' }])], /entry 1: --device-id 'one' is not a device id/],
      [['--devices', devicesFile([{ 'device-id': 1 }, { 'device-id': 1 }])], /device id 1 is given twice/],
      [['--devices', devicesFile([{ 'device-id': 1, interface: ['1@vx'] }, { 'device-id': 2, interface: ['1@vx'] }])], /interface vx is given to devices 1 and 2/],
      [['--devices', devicesFile([{ interface: '1@vx' }])], /"interface" must be an array/],
      [['--devices', devicesFile([{ 'busy-poll': 'yes' }])], /entry 1: "busy-poll" must be true or false/],
      [['--devices', devicesFile([{ 'device-id': 1 }]), '-i', '1@vx'], /--devices is given with --interface/],
      [['--devices', devicesFile([{ 'device-id': 1, interface: ['1@pdnope0'] }])], /no device started/],
    ];
    for (const [args, message] of cases) {
      const r = await runDevicesToExit(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/fix: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

/** As switch-process.ts's runSwitchToExit, without the --grpc-server-addr that --devices refuses. */
function runDevicesToExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [BIN, 'switch', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // A process that wrongly starts would run forever: stop it so the test fails instead of hanging.
  const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    proc.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stderr });
    }),
  );
}
