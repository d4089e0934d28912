// `p4lab switch`: turns command-line values into SwitchOptions (each bad value
// a P4labError naming the option and the fix), runs the switch, prints the
// ready line and shuts down cleanly on SIGTERM or SIGINT.
import { appendFileSync, statSync } from 'node:fs';
import { P4labError } from '../errors.js';
import { LOG_LEVELS, type LogLevel } from './io/logger.js';
import { MAX_PORT } from './io/ports.js';
import { SwitchProcess, type PortBinding, type SwitchOptions } from './process.js';

/** The command line's values as commander hands them over. */
export interface SwitchArgs {
  program?: string;
  p4: boolean; // false with --no-p4
  deviceId: string;
  grpcServerAddr: string;
  interface: string[];
  cpuPort?: string;
  pcap?: string;
  logLevel: string;
  logFile?: string;
  busyPoll?: boolean;
}

const IFNAMSIZ = 15;

export function parseSwitchArgs(args: SwitchArgs): SwitchOptions {
  if (!/^\d+$/.test(args.deviceId)) throw new P4labError(`--device-id '${args.deviceId}' is not a device id`, 'give a whole number >= 0');
  const deviceId = BigInt(args.deviceId);
  if (deviceId >= 1n << 64n) throw new P4labError(`--device-id ${args.deviceId} does not fit in 64 bits`, 'give a smaller id');

  const addr = /^(.+):(\d+)$/.exec(args.grpcServerAddr);
  if (!addr || Number(addr[2]) > 65535) {
    throw new P4labError(`--grpc-server-addr '${args.grpcServerAddr}' is not HOST:PORT`, 'e.g. 127.0.0.1:9559 (port 0: any free port)');
  }

  const ports: PortBinding[] = args.interface.map(parseBinding);
  for (let i = 0; i < ports.length; i++) {
    for (let j = 0; j < i; j++) {
      if (ports[i].port === ports[j].port) throw new P4labError(`-i: port ${ports[i].port} is given twice`, 'give each port number once');
      if (ports[i].iface === ports[j].iface) throw new P4labError(`-i: interface ${ports[i].iface} is given twice`, 'bind each interface to one port');
    }
  }

  let cpuPort: number | undefined;
  if (args.cpuPort !== undefined) {
    cpuPort = Number(args.cpuPort);
    if (!/^\d+$/.test(args.cpuPort) || cpuPort < 1 || cpuPort > MAX_PORT) {
      throw new P4labError(`--cpu-port '${args.cpuPort}' is invalid`, `give a port number from 1 to ${MAX_PORT} (not 0, not the drop port 511)`);
    }
    if (ports.some((p) => p.port === cpuPort)) throw new P4labError(`--cpu-port ${cpuPort} is also given with -i`, 'the CPU port must not be an interface port; pick another number');
  }

  if (args.p4 && args.program === undefined) throw new P4labError('no program given', 'give a BMv2 JSON file, or --no-p4 to wait for one over P4Runtime');
  if (!args.p4 && args.program !== undefined) throw new P4labError(`both --no-p4 and the program ${args.program} are given`, 'give one of them');

  if (args.pcap !== undefined && !isDirectory(args.pcap)) throw new P4labError(`--pcap ${args.pcap} is not a directory`, 'create it first (mkdir -p) or give an existing one');

  if (!(LOG_LEVELS as readonly string[]).includes(args.logLevel)) {
    throw new P4labError(`--log-level '${args.logLevel}' is unknown`, `use one of: ${LOG_LEVELS.join(', ')}`);
  }

  if (args.logFile !== undefined) {
    try {
      appendFileSync(args.logFile, '');
    } catch (err) {
      throw new P4labError(`--log-file ${args.logFile} cannot be written: ${(err as Error).message}`, 'give a file in an existing, writable directory');
    }
  }

  return {
    deviceId,
    grpcAddress: args.grpcServerAddr,
    ports,
    cpuPort,
    programPath: args.program,
    pcapDir: args.pcap,
    logLevel: args.logLevel as LogLevel,
    logFile: args.logFile,
    busyPoll: args.busyPoll === true,
  };
}

/** Starts the switch and keeps it running until SIGTERM or SIGINT. */
export async function runSwitch(options: SwitchOptions): Promise<void> {
  const sw = await SwitchProcess.start(options);
  stopOnSignals([sw]);
  process.stdout.write(`${sw.readyLine()}\n`);
}

/**
 * On SIGTERM or SIGINT, stops every switch in `running` (read at that moment;
 * the sockets of devices still starting close with the process), then exits:
 * 0, or 1 if stopping failed.
 */
export function stopOnSignals(running: readonly SwitchProcess[]): void {
  const shutdown = (): void => {
    try {
      for (const sw of running) sw.stop();
    } catch (err) {
      process.stderr.write(`p4lab switch: shutdown failed: ${(err as Error).message}\n`);
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

function parseBinding(text: string): PortBinding {
  const m = /^(\d+)@([^\s/]+)$/.exec(text);
  if (!m) throw new P4labError(`-i '${text}' is not PORT@IFACE`, 'e.g. -i 1@veth1 (repeat -i for each port)');
  const port = Number(m[1]);
  if (port > MAX_PORT) throw new P4labError(`-i ${text}: port ${port} is out of range`, `use 0..${MAX_PORT} (511 is the drop port)`);
  if (m[2].length > IFNAMSIZ) throw new P4labError(`-i ${text}: interface name '${m[2]}' is longer than ${IFNAMSIZ} characters`, 'Linux interface names have at most 15 characters');
  return { port, iface: m[2] };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
