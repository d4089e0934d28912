// `p4lab switch --devices FILE`: one process hosting several devices, each with
// its own dataplane, ports, device id and gRPC address, as if each were its own
// simple_switch_grpc. Modules (gRPC, protobufjs, the addon) load once, so the
// second and later devices cost only their own state. A device that fails to
// start is reported with its log lines and the others keep running.
import { readFileSync } from 'node:fs';
import { P4labError } from '../errors.js';
import { parseSwitchArgs, stopOnSignals } from './main.js';
import { SwitchProcess, type SwitchOptions } from './process.js';

/** One device in the file: the long options of `p4lab switch`, a missing program meaning --no-p4. */
const KEYS = ['device-id', 'grpc-server-addr', 'interface', 'cpu-port', 'program', 'pcap', 'log-level', 'log-file', 'busy-poll'] as const;

export function parseDevicesFile(file: string): SwitchOptions[] {
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new P4labError(`--devices ${file}: ${(err as Error).message}`, 'give a JSON file holding an array of devices, e.g. [{"device-id": 1, "interface": ["1@veth1"]}]');
  }
  if (!Array.isArray(list) || list.length === 0) throw new P4labError(`--devices ${file}: not a non-empty JSON array`, 'give an array with one object per device');
  const devices = list.map((d: unknown, i) => parseDevice(d, `--devices ${file}: entry ${i + 1}`));
  const ifaceOwner = new Map<string, bigint>();
  for (const [i, d] of devices.entries()) {
    if (devices.findIndex((o) => o.deviceId === d.deviceId) !== i) throw new P4labError(`--devices ${file}: device id ${d.deviceId} is given twice`, 'give each device its own id (its ready line names it)');
    for (const { iface } of d.ports) {
      const owner = ifaceOwner.get(iface);
      if (owner !== undefined) throw new P4labError(`--devices ${file}: interface ${iface} is given to devices ${owner} and ${d.deviceId}`, 'bind each interface to one device');
      ifaceOwner.set(iface, d.deviceId);
    }
  }
  return devices;
}

function parseDevice(d: unknown, where: string): SwitchOptions {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw new P4labError(`${where} is not an object`, `give an object with some of: ${KEYS.join(', ')}`);
  const o = d as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new P4labError(`${where}: unknown key ${unknown.map((k) => JSON.stringify(k)).join(', ')}`, `use the long options of p4lab switch: ${KEYS.join(', ')}`);
  const text = (k: (typeof KEYS)[number], fallback?: string): string | undefined => {
    const v = o[k];
    if (v === undefined) return fallback;
    if (typeof v === 'string' || (typeof v === 'number' && k !== 'program')) return String(v);
    throw new P4labError(`${where}: "${k}" must be a ${k === 'device-id' || k === 'cpu-port' ? 'number' : 'string'}`, 'fix the value in the file');
  };
  const ifaces = o.interface ?? [];
  if (!Array.isArray(ifaces) || !ifaces.every((x) => typeof x === 'string')) throw new P4labError(`${where}: "interface" must be an array of "PORT@IFACE" strings`, 'e.g. "interface": ["1@veth1", "2@veth2"]');
  if (o['busy-poll'] !== undefined && typeof o['busy-poll'] !== 'boolean') throw new P4labError(`${where}: "busy-poll" must be true or false`, 'fix the value in the file');
  const program = text('program');
  try {
    return parseSwitchArgs({
      program,
      p4: program !== undefined,
      deviceId: text('device-id', '0')!,
      grpcServerAddr: text('grpc-server-addr', '127.0.0.1:0')!,
      interface: ifaces as string[],
      cpuPort: text('cpu-port'),
      pcap: text('pcap'),
      logLevel: text('log-level', 'info')!,
      logFile: text('log-file'),
      busyPoll: o['busy-poll'] === true,
    });
  } catch (err) {
    if (err instanceof P4labError) throw new P4labError(`${where}: ${err.message}`, err.hint);
    throw err;
  }
}

/**
 * Starts every device at once and prints, per device, its ready line on
 * stdout, or `p4lab-switch failed device=<id>: <reason>` there and the reason
 * with the device's log lines on stderr. Stops all on SIGTERM or SIGINT; exits 1 when
 * no device started.
 */
export async function runDevices(devices: SwitchOptions[]): Promise<void> {
  const running: SwitchProcess[] = [];
  stopOnSignals(running);
  await Promise.all(
    devices.map(async (options) => {
      try {
        const sw = await SwitchProcess.start(options);
        running.push(sw);
        process.stdout.write(`${sw.readyLine()}\n`);
      } catch (err) {
        const reason = err instanceof P4labError ? err.describe() : (err as Error).stack;
        process.stderr.write(`p4lab switch: device ${options.deviceId}: ${reason}\n${logTail(options)}`);
        // The reason on the line too: stderr is another pipe, which a reader of stdout may see later.
        process.stdout.write(`p4lab-switch failed device=${options.deviceId}: ${String(reason).split('\n')[0]}\n`);
      }
    }),
  );
  if (running.length === 0) throw new P4labError('no device started', 'see the reason given for each device above');
}

/** The device's own log lines when it writes to a file (else they are on stderr already). */
function logTail(options: SwitchOptions): string {
  if (options.logFile === undefined) return '';
  const lines = readFileSync(options.logFile, 'utf8').trimEnd().split('\n').filter(Boolean).slice(-10);
  return lines.length ? `  its log (${options.logFile}):\n${lines.map((l) => `    ${l}\n`).join('')}` : '';
}
