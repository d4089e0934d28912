// One running switch: the dataplane, its ports and event loop, and the gRPC
// server (target service, health, P4Runtime) on one address. start() returns
// once ports are open and the server listens; stop() undoes everything.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { P4labError } from '../errors.js';
import { addP4RuntimeService, type P4RuntimeServiceHandle } from '../p4runtime/server/index.js';
import { Dataplane } from './engine/dataplane.js';
import { Logger, type LogLevel } from './io/logger.js';
import { PortError } from './io/ports.js';
import { SwitchLoop } from './io/switch-loop.js';
import { TargetController } from './target/controller.js';
import { addHealthService, addTargetService } from './target/service.js';

export interface PortBinding {
  port: number;
  iface: string;
}

export interface SwitchOptions {
  deviceId: bigint;
  grpcAddress: string;
  ports: PortBinding[];
  cpuPort?: number;
  /** BMv2 JSON file to load at start; absent: wait for a program over P4Runtime (--no-p4). */
  programPath?: string;
  pcapDir?: string;
  logLevel: LogLevel;
  logFile?: string;
  /** Watch the receive rings instead of sleeping (PortSet.busyPoll): lowest latency, one core busy. */
  busyPoll?: boolean;
}

export class SwitchProcess {
  private constructor(
    readonly options: SwitchOptions,
    readonly dataplane: Dataplane,
    readonly loop: SwitchLoop,
    readonly target: TargetController,
    private readonly server: grpc.Server,
    /** The address the server listens on, with the real port when 0 was asked for. */
    readonly grpcAddress: string,
    private readonly idleTimer: NodeJS.Timeout,
    private readonly p4runtime: P4RuntimeServiceHandle,
  ) {}

  static async start(options: SwitchOptions): Promise<SwitchProcess> {
    const startRealtimeNs = BigInt(Date.now()) * 1_000_000n;
    const startMonotonicNs = process.hrtime.bigint();
    const log = new Logger(options.logLevel, options.logFile);
    const dataplane = new Dataplane({ cpuPort: options.cpuPort });
    if (options.programPath !== undefined) loadProgramFile(dataplane, options.programPath);

    const loop = new SwitchLoop(dataplane, log);
    const server = new grpc.Server();
    let opening: Promise<void> | undefined;
    try {
      if (options.pcapDir !== undefined) loop.ports.setPcap(options.pcapDir);
      // The kernel's waits while the sockets are set up overlap the set-up of the
      // services and the server's bind (and, with --devices, the other devices').
      opening = loop.ports.addAll(options.ports).catch((err: unknown) => {
        throw err instanceof PortError && err.binding ? new P4labError(`-i ${err.binding}: ${err.message}`, err.hint) : err;
      });
      opening.catch(() => {}); // awaited below
      const target = new TargetController({ dataplane, loop, log, cpuPort: options.cpuPort, pcapDir: options.pcapDir, startRealtimeNs, startMonotonicNs });
      addTargetService(server, target);
      const p4runtime = addP4RuntimeService(server, { deviceId: options.deviceId, dataplane, cpuPort: options.cpuPort });
      addHealthService(server, ['p4.v1.P4Runtime', 'p4lab.target.v1.Target']);
      const binding = bind(server, options.grpcAddress);
      binding.catch(() => {}); // awaited below, after the ports' errors
      await opening;
      const boundPort = await binding;
      if (options.busyPoll) loop.ports.busyPoll();
      for (const { port, iface } of options.ports) {
        const noRing = loop.ports.ringFailure(port);
        if (noRing) log.warn(`port ${port} on ${iface}: no receive ring (${noRing}), using recvmmsg`);
        else log.info(`port ${port} on ${iface} (PACKET_MMAP receive ring)`);
      }
      const grpcAddress = options.grpcAddress.replace(/:\d+$/, `:${boundPort}`);
      // Idle-timeout notifications need a periodic sweep, as BMv2's ageing thread does.
      const idleTimer = setInterval(() => dataplane.checkIdleTimeouts(), 100);
      log.info(`device ${options.deviceId} serving gRPC on ${grpcAddress}`);
      return new SwitchProcess(options, dataplane, loop, target, server, grpcAddress, idleTimer, p4runtime);
    } catch (err) {
      await opening?.catch(() => {}); // no socket may open after the close below
      loop.close();
      server.forceShutdown();
      throw err;
    }
  }

  /** The line that tells a parent process the switch is ready. */
  readyLine(): string {
    return `p4lab-switch ready device=${this.options.deviceId} grpc=${this.grpcAddress} ports=${this.loop.ports.size} rx=${this.loop.ports.rxMode()}`;
  }

  /**
   * Closes sockets, flushes pcaps, stops the server. At once, as
   * simple_switch exits: calls and streams still open are cancelled (a
   * graceful shutdown waited up to 200 ms for streams whose clients had
   * already closed them, on every network's teardown).
   */
  stop(): void {
    clearInterval(this.idleTimer);
    this.p4runtime.close();
    this.loop.close();
    this.server.forceShutdown();
  }
}

function loadProgramFile(dataplane: Dataplane, path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new P4labError(`cannot read the program ${path}: ${(err as Error).message}`, 'give the path of a BMv2 JSON file, or --no-p4');
  }
  try {
    dataplane.loadProgram(text);
  } catch (err) {
    throw new P4labError(`cannot load the program ${path}: ${(err as Error).message}`, 'give BMv2 JSON as p4lab compile or p4c-bm2-ss writes it');
  }
}

function bind(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(new P4labError(`--grpc-server-addr ${address}: cannot listen: ${err.message}`, 'pick a free address, e.g. 127.0.0.1:0 for any free port'));
      else resolve(port);
    });
  });
}
