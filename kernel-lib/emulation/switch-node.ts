// A P4 switch of a network: a device in one of p4lab's switch processes (or
// its own simple_switch_grpc), started on its ports, then programmed over
// P4Runtime (pipeline push and the command file), with port emulation through
// p4lab's target service.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { P4labError } from '../errors.js';
import type { EventLog } from '../events/index.js';
import type { CompileResult } from '../compiler/index.js';
import type { CompiledProgram, Switch } from '../p4runtime/client/switch.js';
import { DEFAULT_LINK } from '../switch/link/config.js';
import type { TargetClient } from '../switch/target/client.js';
import type { EmulationValues } from './link-params.js';
import { startProcess, type ManagedProcess } from './processes.js';
import { runRaw } from './run.js';
import { SharedSwitchProcess, type DeviceSpec } from './shared-switch-process.js';

export interface P4SwitchOptions {
  /** A P4-16 source file (compiled by p4lab), a BMv2 JSON file (P4Info beside it as NAME.p4info.json), or a compiled program. */
  program?: string | CompiledProgram;
  /** p4lab's switch (default) or BMv2's simple_switch_grpc from PATH. */
  target?: 'p4lab' | 'bmv2';
  cpuPort?: number;
  /** A runtime-CLI command file (table_add …) applied after the program is pushed. */
  commands?: string;
  /** Directory for per-port pcap files. */
  pcap?: string;
}

const START_DEADLINE_MS = 60_000;

async function loadProgram(name: string, program: string | CompiledProgram): Promise<CompiledProgram> {
  if (typeof program !== 'string') return program;
  const path = program.startsWith('/') ? program : join(process.cwd(), program);
  if (!existsSync(path)) throw new P4labError(`switch ${name}: program ${program} does not exist`, 'give a path to a .p4 or BMv2 .json file');
  if (path.endsWith('.json')) {
    const p4infoPath = path.replace(/\.json$/, '.p4info.json');
    if (!existsSync(p4infoPath)) throw new P4labError(`switch ${name}: ${program} has no P4Info beside it (${p4infoPath})`, 'put the P4Info there, or give the .p4 source');
    return { bmv2: readFileSync(path, 'utf8'), p4info: JSON.parse(readFileSync(p4infoPath, 'utf8')) };
  }
  // Switches running the same source share one compilation.
  const key = `${path}@${statSync(path).mtimeMs}`;
  let compiled = compiledSources.get(key);
  if (!compiled) {
    compiled = compileSource(path);
    compiledSources.set(key, compiled);
  }
  const r = await compiled;
  if (!r.ok) throw new P4labError(`switch ${name}: ${program} does not compile:\n${r.formatted}`, 'fix the program');
  return { bmv2: r.bmv2, p4info: r.p4info };
}

const compiledSources = new Map<string, Promise<CompileResult>>();

async function compileSource(path: string): Promise<CompileResult> {
  // Loaded on demand; the on-disk cache loads the compiler only when it has no compilation of the source.
  const { compileP4FileCached } = await import('../compiler/cache.js');
  return compileP4FileCached(path);
}

/** A TCP port free on loopback now (simple_switch_grpc cannot bind port 0 and report it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export class P4SwitchNode {
  #proc: ManagedProcess | undefined;
  /** p4lab's switch process the device runs in, shared with other switches of the network. */
  #shared: SharedSwitchProcess | undefined;
  #client: Switch | undefined;
  #target: TargetClient | undefined;
  #grpc = '';
  #stopping = false;

  constructor(
    readonly network: string,
    readonly name: string,
    readonly deviceId: number,
    readonly options: P4SwitchOptions,
    private readonly logDir: string,
    private readonly events: EventLog,
  ) {}

  get isBmv2(): boolean {
    return this.options.target === 'bmv2';
  }

  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  get grpcAddress(): string {
    return this.#grpc;
  }

  /** p4lab's target service of the switch: queues, port statistics, pcap, link emulation. */
  get target(): TargetClient {
    if (this.isBmv2) throw this.#bmv2Lacks('the p4lab target service (queues, port statistics, pcap, link emulation)');
    if (!this.#target) throw new P4labError(`switch ${this.name} is not running`, 'start the network first');
    return this.#target;
  }

  get logFile(): string {
    return join(this.logDir, `${this.name}.log`);
  }

  /** The P4Runtime client, connected as primary. */
  get client(): Switch {
    if (!this.#client) throw new P4labError(`switch ${this.name} is not running`, 'start the network first');
    return this.#client;
  }

  /** What p4lab's switch process needs to run this switch as one of its devices. */
  device(ports: Map<number, string>): DeviceSpec {
    return { deviceId: this.deviceId, ports, cpuPort: this.options.cpuPort, pcap: this.options.pcap, logFile: this.logFile };
  }

  /**
   * Starts the switch on `ports` (port number → interface) as a device of
   * `shared` (p4lab's target; without one, in a process of its own), waits
   * until it is ready, pushes the program and applies the command file.
   * `onDeath` is called if its process dies later.
   */
  async start(ports: Map<number, string>, onDeath: (message: string) => void, shared?: SharedSwitchProcess): Promise<void> {
    this.#stopping = false;
    // The process boots while the program compiles.
    const starting = this.isBmv2 ? this.#startBmv2(ports) : this.#startP4lab(shared ?? SharedSwitchProcess.start(this.network, this.name, [this.device(ports)], this.logDir));
    starting.catch(() => {}); // reported below, after the program's own errors
    const program = this.options.program === undefined ? undefined : await loadProgram(this.name, this.options.program);
    const { Switch } = await import('../p4runtime/client/switch.js');
    await starting;
    const proc = this.#proc!;
    void proc.exited.then((code) => {
      if (!this.#stopping) onDeath(`switch ${this.name} (pid ${proc.pid}) died with status ${code}; its last output:\n  ${this.#lastOutput()}`);
    });
    const died = proc.exited.then((code): never => {
      throw new P4labError(`switch ${this.name} exited (status ${code}) while starting; its last output:\n  ${this.#lastOutput()}`, `see the full log in ${proc.logFile}`);
    });
    died.catch(() => {}); // only the race below reports it
    const connecting = Switch.connect(this.#grpc, { deviceId: this.deviceId, name: this.name, events: this.events, connectTimeoutMs: START_DEADLINE_MS });
    connecting.catch(() => {}); // when the process died first, `died` is the error to report
    this.#client = await Promise.race([connecting, died]);
    if (program) await this.#client.push(program);
    if (this.options.commands !== undefined) {
      const file = this.options.commands;
      if (!existsSync(file)) throw new P4labError(`switch ${this.name}: command file ${file} does not exist`, 'give the path of a runtime-CLI command file');
      await this.#client.runCommands(readFileSync(file, 'utf8'), file);
    }
  }

  /** The device's log lines and its process's own output; simple_switch_grpc's output is all in one log. */
  #lastOutput(): string {
    return this.#shared ? this.#shared.report(this.deviceId) : this.#proc!.tail().replace(/\n/g, '\n  ') || '(none)';
  }

  async #startP4lab(shared: SharedSwitchProcess): Promise<void> {
    this.#shared = shared;
    this.#proc = shared.proc;
    this.#grpc = await shared.ready(this.deviceId, `switch ${this.name}`);
    const { TargetClient } = await import('../switch/target/client.js');
    this.#target = new TargetClient(this.#grpc);
  }

  /**
   * BMv2's simple_switch_grpc prints no ready line and cannot pick its own
   * port: it gets a free one, and is ready when P4Runtime answers (connect
   * waits for that, and fails at once if the process dies).
   */
  async #startBmv2(ports: Map<number, string>): Promise<void> {
    const binary = 'simple_switch_grpc';
    if (!(await runRaw(['sh', '-c', `command -v ${binary}`])).stdout.trim()) {
      throw new P4labError(`switch ${this.name}: target bmv2 needs ${binary}, which is not on PATH`, "install BMv2, or use target: 'p4lab' (a drop-in for it)");
    }
    const port = await freePort();
    this.#grpc = `127.0.0.1:${port}`;
    const argv = [
      binary, '--device-id', String(this.deviceId),
      ...[...ports].flatMap(([p, ifname]) => ['-i', `${p}@${ifname}`]),
      ...(this.options.pcap !== undefined ? ['--pcap', this.options.pcap] : []),
      '--no-p4', '--', '--grpc-server-addr', this.#grpc,
      ...(this.options.cpuPort !== undefined ? ['--cpu-port', String(this.options.cpuPort)] : []),
    ];
    this.#proc = startProcess(this.network, `switch ${this.name}`, argv, this.logFile);
  }

  #bmv2Lacks(what: string): P4labError {
    return new P4labError(`switch ${this.name} runs simple_switch_grpc, which has no ${what}`, "use target: 'p4lab' for it");
  }

  /**
   * Emulates a link on one of the switch's ports: in what the switch sends
   * (egress) and, with `bothWays` (a host or bridge at the other end, which
   * emulates nothing itself), in what it receives (ingress) as well.
   */
  async setPortEmulation(port: number, v: EmulationValues, bothWays = false): Promise<void> {
    if (this.isBmv2) throw this.#bmv2Lacks('link emulation on its ports (delay, jitter, loss, rate)');
    const settings = {
      delayUs: v.delayUs ?? 0,
      jitterUs: v.jitterUs ?? 0,
      loss: v.loss ?? 0,
      rateBps: v.rateBps ?? 0,
      queueLimit: v.queue ?? DEFAULT_LINK.queueLimit,
    };
    await this.#target!.setLink(port, settings, 'egress');
    if (bothWays) await this.#target!.setLink(port, settings, 'ingress');
  }

  async addPort(port: number, ifname: string): Promise<void> {
    if (this.isBmv2) throw this.#bmv2Lacks('port addition while running through p4lab');
    await this.#target!.addPort(port, ifname);
  }

  async removePort(port: number): Promise<void> {
    if (this.isBmv2) throw this.#bmv2Lacks('port removal while running through p4lab');
    await this.#target!.removePort(port);
  }

  /** Closes p4lab's connections to the switch and stops watching it; the switch keeps running. */
  async disconnect(): Promise<void> {
    this.#stopping = true;
    await this.#client?.close();
    this.#target?.close();
    this.#client = undefined;
    this.#target = undefined;
  }

  async stop(): Promise<void> {
    await this.disconnect();
    await this.#proc?.kill('SIGTERM');
  }
}
