// A real P4Runtime server (grpc-js on 127.0.0.1, port 0) over the real
// dataplane engine, and a raw grpc-js client built from p4lab's protos.
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { decodeMessage, p4runtimeClientConstructor, unpackAny } from '../../kernel-lib/p4runtime/proto.js';
import { addP4RuntimeService, type P4RuntimeServiceHandle } from '../../kernel-lib/p4runtime/server/index.js';
import { Dataplane, type DataplaneOptions } from '../../kernel-lib/switch/engine/dataplane.js';

const FIXTURES = new URL('../fixtures/bmv2/', import.meta.url);

export function fixture(name: string): { json: Buffer; p4info: Record<string, any> } {
  return {
    json: readFileSync(new URL(`${name}.json`, FIXTURES)),
    p4info: JSON.parse(readFileSync(new URL(`${name}.p4info.json`, FIXTURES), 'utf8')),
  };
}

export const CPU_PORT = 64;

type Any = Record<string, any>;

export interface Harness {
  dataplane: Dataplane;
  handle: P4RuntimeServiceHandle;
  client: grpc.Client & Any;
  address: string;
  unary(method: string, request: Any): Promise<Any>;
  read(request: Any): Promise<Any[]>;
  controller(electionId?: number, role?: string): Promise<Controller>;
  close(): Promise<void>;
}

export async function startServer(options: DataplaneOptions = {}, deviceId = 1n): Promise<Harness> {
  const dataplane = new Dataplane({ cpuPort: CPU_PORT, ...options });
  const server = new grpc.Server();
  const handle = addP4RuntimeService(server, { deviceId, dataplane, cpuPort: CPU_PORT });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = `127.0.0.1:${port}`;
  const Client = p4runtimeClientConstructor();
  const client = new Client(address, grpc.credentials.createInsecure()) as grpc.Client & Any;
  const controllers: Controller[] = [];
  const h: Harness = {
    dataplane,
    handle,
    client,
    address,
    unary: (method, request) =>
      new Promise((resolve, reject) => client[method](request, (err: grpc.ServiceError | null, res: Any) => (err ? reject(err) : resolve(res)))),
    read: (request) =>
      new Promise((resolve, reject) => {
        const entities: Any[] = [];
        const call = client.Read(request);
        call.on('data', (r: Any) => entities.push(...(r.entities ?? [])));
        call.on('error', reject);
        call.on('end', () => resolve(entities));
      }),
    async controller(electionId, role) {
      const c = new Controller(client);
      controllers.push(c);
      if (electionId !== undefined) await c.arbitrate(electionId, role);
      return c;
    },
    async close() {
      for (const c of controllers) c.end();
      handle.close();
      client.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
  return h;
}

/** One controller's StreamChannel, with its received messages queued. */
export class Controller {
  readonly stream: grpc.ClientDuplexStream<Any, Any>;
  private readonly queue: Any[] = [];
  private waiter: (() => void) | undefined;
  ended: grpc.StatusObject | undefined;
  electionId = 0;

  constructor(client: Any) {
    this.stream = client.StreamChannel();
    this.stream.on('data', (m: Any) => {
      this.queue.push(m);
      this.waiter?.();
    });
    this.stream.on('error', () => {});
    this.stream.on('status', (s: grpc.StatusObject) => {
      this.ended = s;
      this.waiter?.();
    });
  }

  send(message: Any): void {
    this.stream.write(message);
  }

  /** The next received message of `kind` (arbitration, packet, digest, error, …); others are skipped. */
  async next(kind: string): Promise<Any> {
    for (;;) {
      const i = this.queue.findIndex((m) => m.update === kind);
      if (i >= 0) return this.queue.splice(i, 1)[0][kind];
      if (this.ended) throw new Error(`stream ended with ${this.ended.code}: ${this.ended.details}`);
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** Waits until the stream ends; its status. */
  async status(): Promise<grpc.StatusObject> {
    while (!this.ended) await new Promise<void>((resolve) => (this.waiter = resolve));
    return this.ended;
  }

  async arbitrate(electionId: number, role?: string, deviceId = 1): Promise<Any> {
    this.electionId = electionId;
    this.send({ arbitration: { device_id: deviceId, election_id: { high: 0, low: electionId }, ...(role ? { role: { name: role } } : {}) } });
    return this.next('arbitration');
  }

  end(): void {
    this.stream.end();
  }
}

/** The per-update p4.v1.Error details of a failed Write. */
export function updateErrors(err: grpc.ServiceError): Array<{ canonical_code?: number; message?: string }> {
  const [bin] = err.metadata.get('grpc-status-details-bin');
  const status = decodeMessage<{ details?: Any[] }>('google.rpc.Status', bin as Buffer);
  return (status.details ?? []).map((d) => unpackAny(d, 'p4.v1.Error') ?? {});
}

export async function rejection(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (e) {
    return e as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}
