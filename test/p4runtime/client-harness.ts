// A real P4Runtime server (R1's service over S1's engine) in a grpc-js server
// on 127.0.0.1, for the client tests. `restart()` kills it and starts a fresh
// switch on the same port, as a restarted switch process would.
import * as grpc from '@grpc/grpc-js';
import { addP4RuntimeService, type P4RuntimeServiceHandle } from '../../kernel-lib/p4runtime/server/index.js';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { CPU_PORT } from './client-program.js';

export interface Sent {
  port: number;
  data: Buffer;
}

export class TestSwitch {
  server!: grpc.Server;
  private service: P4RuntimeServiceHandle | undefined;
  dataplane!: Dataplane;
  port = 0;
  /** Packets the dataplane transmitted, in order. */
  readonly sent: Sent[] = [];
  /** The dataplane's clock (ns); tests move it to expire idle entries. */
  nowNs = 1_000_000_000n;

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(deviceId = 1): Promise<this> {
    this.dataplane = new Dataplane({ cpuPort: CPU_PORT, now: () => this.nowNs });
    this.dataplane.onTransmit((port, data, length) => this.sent.push({ port, data: Buffer.from(data.subarray(0, length)) }));
    this.server = new grpc.Server();
    this.service = addP4RuntimeService(this.server, { deviceId: BigInt(deviceId), dataplane: this.dataplane, cpuPort: CPU_PORT });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${this.port}`, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
    return this;
  }

  /** Injects a packet on `port` and runs the switch until it is idle; returns what went out. */
  inject(port: number, frame: Uint8Array): Sent[] {
    const before = this.sent.length;
    this.dataplane.receive(port, frame);
    while (this.dataplane.service() > 0);
    return this.sent.slice(before);
  }

  stop(): void {
    this.service?.close();
    this.server?.forceShutdown();
  }

  async restart(): Promise<void> {
    this.stop();
    await this.start();
  }
}
