// One P4Runtime connection: the gRPC channel, the StreamChannel with its
// arbitration, and reconnection with exponential back-off when the stream
// breaks (the switch restarted or the network failed), finsy's model.
import * as grpc from '@grpc/grpc-js';
import { p4runtimeClientConstructor } from '../proto.js';
import { P4RuntimeArbitrationError, P4RuntimeConnectionError } from '../errors.js';
import { codeName, rpcError } from './rpc-errors.js';
import type { StreamMessageRequest, StreamMessageResponse, Uint128 } from './wire.js';

export interface ConnectionOptions {
  deviceId: bigint;
  electionId: bigint;
  role?: string;
  connectTimeoutMs: number;
}

export interface ConnectionEvents {
  /** Every stream message other than arbitration. */
  message(msg: StreamMessageResponse): void;
  /** The stream is up and arbitrated again after a break. */
  reconnected(): Promise<void>;
}

type Duplex = grpc.ClientDuplexStream<StreamMessageRequest, StreamMessageResponse>;
type UnaryFn = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

// Unary calls carry a deadline so a hung switch fails the call instead of the notebook.
const RPC_DEADLINE_MS = 60_000;
const BACKOFF_START_MS = 100;
const BACKOFF_MAX_MS = 5_000;

const ARBITRATION_OK = 0;
const ARBITRATION_NOT_FOUND = 5;
const ARBITRATION_ALREADY_EXISTS = 6;

export function uint128(value: bigint): Uint128 {
  return { high: (value >> 64n).toString(), low: (value & 0xffffffffffffffffn).toString() };
}

export class Connection {
  private readonly client: grpc.Client;
  private stream: Duplex | undefined;
  private closing = false;
  private retry: NodeJS.Timeout | undefined;
  private primaryWaiters: Array<() => void> = [];
  primary = false;
  connected = false;

  constructor(
    readonly address: string,
    private readonly options: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    const Client = p4runtimeClientConstructor();
    this.client = new Client(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': 256 * 1024 * 1024,
      'grpc.max_send_message_length': 256 * 1024 * 1024,
      'grpc.initial_reconnect_backoff_ms': BACKOFF_START_MS,
      'grpc.max_reconnect_backoff_ms': BACKOFF_MAX_MS,
    });
  }

  /** Opens the stream and arbitrates; rejects when the switch does not answer in time. */
  async open(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.client.waitForReady(Date.now() + this.options.connectTimeoutMs, (err) => {
        if (err) {
          reject(new P4RuntimeConnectionError(this.address, `not reachable within ${this.options.connectTimeoutMs} ms`, 'start the switch first (p4lab switch …) and check the address and port'));
        } else resolve();
      });
    });
    await this.openStream();
  }

  private openStream(): Promise<void> {
    return new Promise((resolve, reject) => {
      const stream = (this.client as unknown as { StreamChannel(): Duplex }).StreamChannel();
      this.stream = stream;
      let settled = false; // the promise is resolved or rejected
      let established = false; // the first arbitration answer was OK or backup
      const fail = (error: Error): void => {
        settled = true;
        clearTimeout(timer);
        stream.cancel();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new P4RuntimeConnectionError(this.address, `no arbitration answer within ${this.options.connectTimeoutMs} ms`, 'is this a P4Runtime server?')),
        this.options.connectTimeoutMs,
      );
      const broke = (reason: string, err?: grpc.ServiceError): void => {
        if (this.stream !== stream) return; // an old stream ending after a new one opened
        this.stream = undefined;
        this.connected = false;
        this.setPrimary(false);
        if (!settled) {
          const refused = err && err.code !== grpc.status.UNAVAILABLE && err.code !== grpc.status.CANCELLED;
          fail(refused ? new P4RuntimeArbitrationError(this.address, `arbitration refused: ${codeName(err.code)}: ${err.details}`, 'check the device id, role and election id') : new P4RuntimeConnectionError(this.address, reason));
        } else if (established && !this.closing) this.scheduleReconnect(BACKOFF_START_MS);
      };
      stream.on('data', (msg: StreamMessageResponse) => {
        if (!msg.arbitration) return this.events.message(msg);
        const code = msg.arbitration.status?.code ?? ARBITRATION_OK;
        if (code !== ARBITRATION_OK && code !== ARBITRATION_ALREADY_EXISTS && code !== ARBITRATION_NOT_FOUND) {
          if (!settled) fail(new P4RuntimeArbitrationError(this.address, `arbitration failed: ${codeName(code)} ${msg.arbitration.status?.message ?? ''}`));
          return;
        }
        this.setPrimary(code === ARBITRATION_OK);
        if (!settled) {
          settled = established = true;
          clearTimeout(timer);
          this.connected = true;
          resolve();
        }
      });
      stream.on('error', (err: grpc.ServiceError) => broke(`stream failed: ${codeName(err.code)} ${err.details}`, err));
      stream.on('end', () => broke('the switch ended the stream'));
      const arbitration: StreamMessageRequest['arbitration'] = {
        device_id: this.options.deviceId.toString(),
        election_id: uint128(this.options.electionId),
      };
      if (this.options.role) arbitration.role = { name: this.options.role };
      stream.write({ arbitration });
    });
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.closing) return;
      this.openStream()
        .then(() => this.events.reconnected())
        .catch(() => {
          if (!this.closing) this.scheduleReconnect(Math.min(delayMs * 2, BACKOFF_MAX_MS));
        });
    }, delayMs);
  }

  private setPrimary(primary: boolean): void {
    this.primary = primary;
    if (primary) for (const w of this.primaryWaiters.splice(0)) w();
  }

  /** Resolves once this client is primary. */
  waitForPrimary(timeoutMs: number): Promise<void> {
    if (this.primary) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.primaryWaiters = this.primaryWaiters.filter((w) => w !== waiter);
        reject(new P4RuntimeArbitrationError(this.address, `not primary after ${timeoutMs} ms`, 'another controller with a higher election id is primary'));
      }, timeoutMs);
      this.primaryWaiters.push(waiter);
    });
  }

  send(msg: StreamMessageRequest): void {
    if (!this.stream) throw new P4RuntimeConnectionError(this.address, 'not connected (the stream is down)', 'wait for the client to reconnect');
    this.stream.write(msg);
  }

  unary<Res>(method: string, request: unknown): Promise<Res> {
    const fn = (this.client as unknown as Record<string, UnaryFn>)[method]!.bind(this.client);
    return new Promise((resolve, reject) => {
      fn(request, new grpc.Metadata(), { deadline: Date.now() + RPC_DEADLINE_MS }, (err, res) => (err ? reject(err) : resolve(res as Res)));
    });
  }

  /** A server-streaming Read, collected. */
  readAll<Item>(request: unknown, pick: (response: { entities?: Item[] }) => Item[] | undefined): Promise<Item[]> {
    const call = (this.client as unknown as { Read(req: unknown, opts: grpc.CallOptions): grpc.ClientReadableStream<{ entities?: Item[] }> }).Read(request, {
      deadline: Date.now() + RPC_DEADLINE_MS,
    });
    const out: Item[] = [];
    return new Promise((resolve, reject) => {
      call.on('data', (res: { entities?: Item[] }) => {
        for (const e of pick(res) ?? []) out.push(e);
      });
      call.on('error', (err: grpc.ServiceError) => reject(rpcError(err, 'Read', this.address)));
      call.on('end', () => resolve(out));
    });
  }

  /** Ends the stream (the switch then elects another primary) and the channel. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.retry) clearTimeout(this.retry);
    const stream = this.stream;
    this.stream = undefined;
    this.connected = false;
    if (stream) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        // A server that does not end its side promptly is cut off.
        const timer = setTimeout(() => {
          stream.cancel();
          resolve();
        }, 1000);
        stream.on('status', done);
        stream.on('error', done);
        stream.end();
      });
    }
    this.client.close();
  }
}
