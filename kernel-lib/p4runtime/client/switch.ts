// A switch under control: one P4Runtime connection with its P4Info, entity
// handles by name, stream messages as async iterators, pipeline push, and the
// target-specific extras (queues; registers on a real BMv2) behind one surface.
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { Bmv2Json } from '../../bmv2/json-format.js';
import { P4labError } from '../../errors.js';
import type { EventLog } from '../../events/index.js';
import type { P4Info } from '../../p4info/types.js';
import { TargetCallError, TargetClient } from '../../switch/target/client.js';
import { P4RuntimeConnectionError, P4RuntimeWriteError, type WriteFailure } from '../errors.js';
import type { ValueInput } from '../values.js';
import { runCommands, type CommandResult } from '../runtime-cli.js';
import { Connection, uint128 } from './connection.js';
import { byName, type EntityIO } from './entity-io.js';
import { CounterHandle, MeterHandle, RegisterHandle } from './externs.js';
import { MessageQueue } from './message-queue.js';
import { P4InfoIndex } from './p4info-index.js';
import { CloneSessions, MulticastGroups } from './replication.js';
import { rpcError, writeError } from './rpc-errors.js';
import { decodeDigest, decodeIdleTimeout, decodePacketIn, encodePacketOut, type DigestList, type IdleTimeout, type PacketIn } from './stream-messages.js';
import { describeTableEntry } from './table-entry.js';
import { TableHandle } from './tables.js';
import { ThriftCli, type ThriftOptions } from './thrift-cli.js';
import { toInt64 } from './codec.js';
import type { Entity, ForwardingPipelineConfig, StreamMessageResponse, Update } from './wire.js';

/** A compiled program: what `compileP4` returns, or a BMv2 JSON with its P4Info. */
export interface CompiledProgram {
  p4info: P4Info;
  bmv2: Bmv2Json | string | Uint8Array;
}

/** Queue rate and depth of a switch (p4lab's target service, or BMv2's Thrift CLI). */
export interface QueueControl {
  setQueueRate(pps: number, port?: number): Promise<void>;
  setQueueDepth(packets: number, port?: number): Promise<void>;
}

export interface SwitchOptions {
  deviceId?: number | bigint;
  /** Highest wins mastership; default 1. */
  electionId?: number | bigint;
  role?: string;
  /** Name for messages and event logs (e.g. 's1'); default the address. */
  name?: string;
  /** Runs after the first connection and after every reconnection (push the pipeline, write entries). */
  onReady?: (sw: Switch) => void | Promise<void>;
  /** Receives failures no call can return: onReady after a reconnection, stream errors. Default: printed to stderr. */
  onError?: (err: Error) => void;
  connectTimeoutMs?: number;
  /** Pipeline saves/commits and writes are recorded here. */
  events?: EventLog;
  /** The switch is a real BMv2: registers and queues go through simple_switch_CLI on this Thrift port. */
  thrift?: ThriftOptions;
}

export interface WriteOptions {
  atomicity?: 'CONTINUE_ON_ERROR' | 'ROLLBACK_ON_ERROR' | 'DATAPLANE_ATOMIC';
}

export interface PipelineInfo {
  p4info?: P4Info;
  deviceConfig?: Buffer;
  cookie?: bigint;
}

const DEFAULT_TIMEOUT_MS = 10_000;
// A failed Write answers with one p4.v1.Error per update in a trailer, and
// gRPC trailers are small (grpc-js cannot take more than ~60 KB and has no
// option to raise it: it ignores grpc.max_metadata_size). p4lab's switch keeps
// its trailer under that by leaving messages out, or (over ~1,000 updates) by
// answering RESOURCE_EXHAUSTED without them; other switches may drop the reply.
// Writes of 250 updates keep every message (about 200 bytes each), and two in
// flight let the client encode one while the switch applies the other.
const MAX_UPDATES_PER_WRITE = 250;
const WRITES_IN_FLIGHT = 2;

export class Switch implements EntityIO {
  readonly name: string;
  readonly deviceId: bigint;
  readonly electionId: bigint;
  readonly thrift: ThriftCli | undefined;
  readonly multicastGroups: MulticastGroups;
  readonly cloneSessions: CloneSessions;
  /** Tables by name: `sw.tables['MyIngress.ipv4_lpm']` or `sw.tables.ipv4_lpm`. */
  readonly tables = byName(() => this.namesOf('tables'), (n) => this.table(n));
  readonly registers = byName(() => this.namesOf('registers'), (n) => this.register(n));
  readonly counters = byName(() => this.namesOf('counters'), (n) => this.counter(n));
  readonly meters = byName(() => this.namesOf('meters'), (n) => this.meter(n));
  private readonly connection: Connection;
  private p4index: P4InfoIndex | undefined;
  private readonly packetQueue = new MessageQueue<PacketIn>();
  private readonly digestQueue = new MessageQueue<DigestList>();
  private readonly idleQueue = new MessageQueue<IdleTimeout>();
  private target: TargetClient | undefined;

  private constructor(
    readonly address: string,
    private readonly options: SwitchOptions,
  ) {
    this.name = options.name ?? address;
    this.deviceId = BigInt(options.deviceId ?? 0);
    this.electionId = BigInt(options.electionId ?? 1);
    this.thrift = options.thrift ? new ThriftCli(options.thrift) : undefined;
    this.multicastGroups = new MulticastGroups(this);
    this.cloneSessions = new CloneSessions(this);
    this.connection = new Connection(
      address,
      { deviceId: this.deviceId, electionId: this.electionId, role: options.role, connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS },
      {
        message: (msg) => this.onMessage(msg),
        reconnected: () => this.ready().catch((err: Error) => this.report(err)),
      },
    );
  }

  /** Connects, arbitrates, loads the switch's P4Info (if a program is loaded) and runs `onReady`. */
  static async connect(address: string, options: SwitchOptions = {}): Promise<Switch> {
    const sw = new Switch(address, options);
    try {
      await sw.connection.open();
      await sw.ready();
    } catch (err) {
      await sw.connection.close();
      throw err;
    }
    return sw;
  }

  private async ready(): Promise<void> {
    const pipeline = await this.getPipeline('P4INFO_AND_COOKIE');
    this.p4index = pipeline.p4info ? new P4InfoIndex(pipeline.p4info) : undefined;
    await this.options.onReady?.(this);
  }

  private report(err: Error): void {
    if (this.options.onError) this.options.onError(err);
    else console.error(`p4lab: switch ${this.name}: ${err instanceof P4labError ? err.describe() : err.message}`);
  }

  get isPrimary(): boolean {
    return this.connection.primary;
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  /** Resolves once this client is primary (e.g. after the previous primary left). */
  waitForPrimary(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    return this.connection.waitForPrimary(timeoutMs);
  }

  /** The P4Info of the program this client writes to. */
  get index(): P4InfoIndex {
    if (!this.p4index) throw new P4labError(`switch ${this.name} has no program loaded`, 'push one first: await sw.push(compiled)');
    return this.p4index;
  }

  private namesOf(kind: 'tables' | 'registers' | 'counters' | 'meters'): string[] {
    return this.p4index?.[kind].items.map((x) => x.preamble.name) ?? [];
  }

  /** What a notebook shows for the switch. */
  [inspect.custom](): string {
    const state = this.connection.connected ? (this.connection.primary ? 'primary' : 'backup') : 'disconnected';
    return `Switch ${this.name} (${this.address}, device ${this.deviceId}, ${state}${this.p4index ? '' : ', no program'})`;
  }

  table(name: string): TableHandle {
    return new TableHandle(this, name);
  }
  register(name: string): RegisterHandle {
    return new RegisterHandle(this, name);
  }
  counter(name: string): CounterHandle {
    return new CounterHandle(this, name);
  }
  meter(name: string): MeterHandle {
    return new MeterHandle(this, name);
  }

  // ---- Write and Read

  /**
   * Applies updates; failures raise P4RuntimeWriteError with one item per failed
   * update. With CONTINUE_ON_ERROR (the default) a large batch goes out as
   * several Writes of at most 250 updates, a few in flight at once: P4Runtime
   * already leaves the order of updates within a batch to the switch, and this
   * keeps both the client and the switch busy. Other atomicities send one Write.
   */
  async write(updates: Update[], options: WriteOptions = {}): Promise<void> {
    if (updates.length === 0) return;
    const atomicity = options.atomicity ?? 'CONTINUE_ON_ERROR';
    const chunk = atomicity === 'CONTINUE_ON_ERROR' ? MAX_UPDATES_PER_WRITE : updates.length;
    const failures: WriteFailure[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < updates.length) {
        const offset = next;
        next += chunk;
        const err = await this.writeOnce(updates.slice(offset, offset + chunk), offset, atomicity);
        if (err instanceof P4RuntimeWriteError) failures.push(...err.failures);
        else if (err) {
          next = updates.length; // the connection or mastership is gone: send nothing more
          throw err;
        }
      }
    };
    // A connection or mastership error rejects here, before anything is logged.
    await Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, Math.ceil(updates.length / chunk)) }, worker));
    this.log(updates, failures);
    if (failures.length) throw new P4RuntimeWriteError(failures.sort((a, b) => a.index - b.index), updates.length);
  }

  private async writeOnce(updates: Update[], offset: number, atomicity: string): Promise<Error | undefined> {
    const request = {
      device_id: this.deviceId.toString(),
      election_id: uint128(this.electionId),
      role: this.options.role ?? '',
      updates,
      atomicity,
    };
    try {
      await this.connection.unary('Write', request);
      return undefined;
    } catch (err) {
      return writeError(err as ServiceError, updates, offset, this.address, { entity: (u) => this.describe(u.entity), fields: (u) => this.namesIn(u.entity) });
    }
  }

  async read(entities: Entity[]): Promise<Entity[]> {
    return this.connection.readAll<Entity>({ device_id: this.deviceId.toString(), role: this.options.role ?? '', entities }, (r) => r.entities);
  }

  /** The match field and action parameter names of a table entry. */
  private namesIn(entity: Entity): string[] {
    const e = entity.table_entry;
    const index = this.p4index;
    if (!e || !index) return [];
    const table = index.tables.items.find((t) => t.preamble.id === e.table_id);
    const action = index.actions.items.find((a) => a.preamble.id === e.action?.action?.action_id);
    return [...(table?.match_fields ?? []).map((f) => f.name), ...(action?.params ?? []).map((p) => p.name)];
  }

  private describe(entity: Entity): string {
    if (entity.table_entry) return describeTableEntry(this.p4index, entity.table_entry);
    const [kind, body] = Object.entries(entity).find(([k]) => k !== 'entity') ?? ['entity', {}];
    return `${kind} ${JSON.stringify(body, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))}`;
  }

  /** Records the updates that took effect: one event per table and update type, one per register. */
  private log(updates: Update[], failures: WriteFailure[]): void {
    const events = this.options.events;
    if (!events) return;
    const failed = new Set(failures.map((f) => f.index));
    const tableWrites = new Map<string, { table: number; op: 'insert' | 'modify' | 'delete'; entries: number }>();
    const registerWrites = new Map<number, number>();
    updates.forEach((u, i) => {
      if (failed.has(i)) return;
      const table = u.entity.table_entry?.table_id;
      const register = u.entity.register_entry?.register_id;
      if (table !== undefined) {
        const op = u.type.toLowerCase() as 'insert' | 'modify' | 'delete';
        const key = `${table}/${op}`;
        const w = tableWrites.get(key) ?? { table, op, entries: 0 };
        w.entries++;
        tableWrites.set(key, w);
      } else if (register !== undefined) registerWrites.set(register, (registerWrites.get(register) ?? 0) + 1);
    });
    const nameOf = (kind: 'tables' | 'registers', id: number): string => {
      const items: ReadonlyArray<{ preamble: { id: number; name: string } }> = this.p4index?.[kind].items ?? [];
      return items.find((x) => x.preamble.id === id)?.preamble.name ?? String(id);
    };
    for (const w of tableWrites.values()) events.record('table_write', { device: this.name, table: nameOf('tables', w.table), op: w.op, entries: w.entries });
    for (const [id, count] of registerWrites) events.record('register_write', { device: this.name, register: nameOf('registers', id), count });
  }

  // ---- Pipeline

  /**
   * Loads a program now (VERIFY_AND_COMMIT); entries of the previous program are
   * gone. When the switch already runs this very program (same cookie, a hash of
   * the device config) nothing is sent, so a ready handler that pushes keeps the
   * switch's state across a mere reconnection.
   */
  async push(program: CompiledProgram): Promise<void> {
    const device = deviceConfig(program);
    const cookie = cookieOf(device);
    if ((await this.getPipeline('COOKIE_ONLY')).cookie === cookie) {
      this.p4index = new P4InfoIndex(program.p4info);
      return;
    }
    await this.setPipeline('VERIFY_AND_COMMIT', program);
    this.p4index = new P4InfoIndex(program.p4info);
    this.options.events?.record('pipeline_commit', { device: this.name, program: programName(program) });
  }

  /** Stages a program (VERIFY_AND_SAVE); writes then populate it until `commit()` swaps it in. */
  async save(program: CompiledProgram): Promise<void> {
    await this.setPipeline('VERIFY_AND_SAVE', program);
    this.p4index = new P4InfoIndex(program.p4info);
    this.options.events?.record('pipeline_save', { device: this.name, program: programName(program) });
  }

  /** Makes the saved program the running one (COMMIT). */
  async commit(): Promise<void> {
    await this.setPipeline('COMMIT');
    this.options.events?.record('pipeline_commit', { device: this.name });
  }

  private async setPipeline(action: string, program?: CompiledProgram): Promise<void> {
    const request: Record<string, unknown> = {
      device_id: this.deviceId.toString(),
      election_id: uint128(this.electionId),
      role: this.options.role ?? '',
      action,
    };
    if (program) {
      const device = deviceConfig(program);
      request.config = { p4info: program.p4info, p4_device_config: device, cookie: { cookie: toInt64(cookieOf(device)) } };
    }
    try {
      await this.connection.unary('SetForwardingPipelineConfig', request);
    } catch (err) {
      throw rpcError(err as ServiceError, `SetForwardingPipelineConfig ${action}`, this.address);
    }
  }

  /** The switch's running program; `cookie` identifies it (p4lab sets it to a hash of the device config). */
  async getPipeline(responseType: 'ALL' | 'P4INFO_AND_COOKIE' | 'COOKIE_ONLY' = 'ALL'): Promise<PipelineInfo> {
    let res: { config?: ForwardingPipelineConfig };
    try {
      res = await this.connection.unary('GetForwardingPipelineConfig', { device_id: this.deviceId.toString(), response_type: responseType });
    } catch (err) {
      const e = err as ServiceError;
      if (e.code === status.FAILED_PRECONDITION) return {}; // no pipeline yet
      throw rpcError(e, 'GetForwardingPipelineConfig', this.address);
    }
    const c = res.config ?? {};
    const out: PipelineInfo = {};
    if (c.p4info) out.p4info = c.p4info as P4Info;
    if (c.p4_device_config?.length) out.deviceConfig = c.p4_device_config;
    if (c.cookie) out.cookie = BigInt(c.cookie.cookie);
    return out;
  }

  // ---- Stream: digests, packets, idle timeouts

  private onMessage(msg: StreamMessageResponse): void {
    try {
      if (msg.packet) this.packetQueue.push(decodePacketIn(this.p4index, msg.packet));
      else if (msg.digest) {
        const d = msg.digest;
        // An ack after the stream broke is moot: the switch that sent the list is gone or has forgotten it.
        const ack = (): void => {
          if (this.connection.connected) this.connection.send({ digest_ack: { digest_id: d.digest_id, list_id: d.list_id } });
        };
        this.digestQueue.push(decodeDigest(this.index, d, ack));
      } else if (msg.idle_timeout_notification) this.idleQueue.push(decodeIdleTimeout(this.index, msg.idle_timeout_notification));
      else if (msg.error) this.report(new P4labError(`switch ${this.name} reported a stream error: ${msg.error.message ?? ''} (code ${msg.error.canonical_code ?? '?'})`));
    } catch (err) {
      this.report(err as Error);
    }
  }

  /** Enables a digest's messages (DigestEntry INSERT; MODIFY when `modify`). */
  async configureDigest(name: string, config: { maxTimeoutNs?: bigint | number; maxListSize?: number; ackTimeoutNs?: bigint | number } = {}, modify = false): Promise<void> {
    const digest = this.index.digests.get(name);
    await this.write([
      {
        type: modify ? 'MODIFY' : 'INSERT',
        entity: {
          digest_entry: {
            digest_id: digest.preamble.id,
            config: {
              max_timeout_ns: toInt64(config.maxTimeoutNs ?? 0),
              max_list_size: config.maxListSize ?? 1,
              ack_timeout_ns: toInt64(config.ackTimeoutNs ?? 1_000_000_000),
            },
          },
        },
      },
    ]);
  }

  /** Digest lists as they arrive; each is acknowledged when handed out unless `ack: false` (then call `d.ack()`). */
  async *digests(options: { ack?: boolean } = {}): AsyncGenerator<DigestList> {
    for await (const d of this.digestQueue) {
      if (options.ack !== false) d.ack();
      yield d;
    }
  }

  /** Packets the pipeline sent to the CPU port, with the packet_in fields by name. */
  packets(): AsyncIterable<PacketIn> {
    return this.packetQueue;
  }

  idleTimeouts(): AsyncIterable<IdleTimeout> {
    return this.idleQueue;
  }

  /** Sends a packet into the pipeline through the CPU port; `metadata` fills the packet_out header by name. */
  packetOut(payload: Uint8Array, metadata: Record<string, ValueInput> = {}): void {
    if (!this.connection.primary) throw new P4RuntimeConnectionError(this.address, 'packet-out needs the primary connection', 'wait for mastership: await sw.waitForPrimary()');
    this.connection.send(encodePacketOut(this.index, payload, metadata));
  }

  // ---- Target extras: one surface for p4lab's switch and BMv2

  // p4lab's switch serves its target service on the P4Runtime address.
  private queues(): QueueControl {
    if (this.thrift) return this.thrift;
    this.target ??= new TargetClient(this.address);
    const target = this.target;
    // A switch without the target service is not p4lab's: most likely a BMv2.
    const explain = (err: unknown): never => {
      if (err instanceof TargetCallError && err.code === 'UNIMPLEMENTED') {
        throw new P4labError(`switch ${this.name} has no p4lab target service, so its queues cannot be set over gRPC`, 'for a BMv2 switch, connect with { thrift: { port: 9090 } } (its Thrift port)');
      }
      throw err;
    };
    return {
      setQueueRate: async (pps, port) => void (await target.setQueueRate(port, pps).catch(explain)),
      setQueueDepth: async (packets, port) => void (await target.setQueueDepth(port, packets).catch(explain)),
    };
  }

  /** Egress queue service rate in packets per second (0: unlimited), for one port or all. */
  async setQueueRate(pps: number, port?: number): Promise<void> {
    return this.queues().setQueueRate(pps, port);
  }

  /** Egress queue depth in packets, for one port or all. */
  async setQueueDepth(packets: number, port?: number): Promise<void> {
    return this.queues().setQueueDepth(packets, port);
  }

  /** Runs a BMv2 runtime-CLI command file (table_add, register_write, mc_*, set_queue_rate, …). */
  runCommands(text: string, source?: string): Promise<CommandResult[]> {
    return runCommands(this, text, source);
  }

  /** Ends the stream (the switch elects another primary) and the channel; iterators end. */
  async close(): Promise<void> {
    this.packetQueue.close();
    this.digestQueue.close();
    this.idleQueue.close();
    this.target?.close();
    await this.connection.close();
  }
}

function deviceConfig(program: CompiledProgram): Buffer {
  const bmv2 = program.bmv2;
  if (typeof bmv2 === 'string' || bmv2 instanceof Uint8Array) return Buffer.from(bmv2);
  return Buffer.from(JSON.stringify(bmv2));
}

/** The pipeline cookie p4lab sets: the first 64 bits of the device config's SHA-256. */
function cookieOf(device: Buffer): bigint {
  return createHash('sha256').update(device).digest().readBigUInt64BE(0);
}

function programName(program: CompiledProgram): string | undefined {
  const bmv2 = program.bmv2;
  if (typeof bmv2 === 'object' && !(bmv2 instanceof Uint8Array)) return (bmv2 as { program?: string }).program;
  return undefined;
}
