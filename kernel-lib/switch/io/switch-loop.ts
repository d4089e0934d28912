// The switch's event loop: each receive batch runs through the ports' ingress
// links into the dataplane, what it transmits goes out through the egress links
// in one batch, and the precise timer wakes the loop when the dataplane's queues
// or a link next need service. Work the dataplane queues from outside a batch
// (a packet-out, a queue setting) wakes the loop too.
import { loadNative, type PreciseTimer } from '../../native/index.js';
import type { Dataplane } from '../engine/dataplane.js';
import type { Logger } from './logger.js';
import { PortSet } from './ports.js';

export class SwitchLoop {
  readonly ports: PortSet;
  private readonly timer: PreciseTimer;
  private armedAt = -1;
  private readonly due = new Float64Array(1); // armAt's argument
  private kickPending = false;
  private readonly trace: boolean; // checked per packet, so read once

  /** Packets whose processing threw inside the dataplane; each is dropped. */
  engineErrors = 0;

  constructor(
    private readonly dataplane: Dataplane,
    private readonly log: Logger,
  ) {
    const native = loadNative();
    this.trace = log.enabled('trace');
    this.ports = new PortSet(
      (port, data, length) => this.receive(port, data, length),
      () => this.pump(),
      (message) => log.error(message),
    );
    this.timer = new native.PreciseTimer(() => {
      this.armedAt = -1;
      this.ports.readClock();
      this.pump();
    });
    dataplane.onWorkQueued(() => this.kick());
    dataplane.onTransmit((port, data, length) => {
      if (this.trace) this.log.trace(`tx port ${port}: ${length} bytes`);
      this.ports.transmit(port, data, length);
    });
  }

  /** Runs the loop soon from outside a batch (a link setting changed). */
  kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.ports.readClock();
      this.pump();
    });
  }

  close(): void {
    this.timer.close();
    this.ports.flush();
    this.ports.close();
  }

  private receive(port: number, data: Uint8Array, length: number): void {
    if (this.trace) this.log.trace(`rx port ${port}: ${length} bytes`);
    try {
      this.dataplane.receive(port, data, length);
    } catch (err) {
      // The engine should drop bad packets itself; this keeps the switch alive if it does not.
      if (this.engineErrors++ === 0) this.log.error(`packet from port ${port} failed in the dataplane and was dropped: ${(err as Error).message}`);
    }
  }

  /** Runs after each batch and timer wake-up; it allocates nothing (waits are whole ns, times stay in fields). */
  private pump(): void {
    // Ingress links first: what they release now is serviced in this same pass.
    let wait = this.ports.releaseLinks('ingress');
    try {
      wait = sooner(wait, this.dataplane.service());
    } catch (err) {
      if (this.engineErrors++ === 0) this.log.error(`dataplane service failed: ${(err as Error).message}`);
    }
    wait = sooner(wait, this.ports.releaseLinks('egress'));
    this.ports.flush();
    if (wait < 0) {
      if (this.armedAt >= 0) this.timer.disarm();
      this.armedAt = -1;
      return;
    }
    const due = this.ports.nowNs + wait;
    if (due !== this.armedAt) {
      this.due[0] = due;
      this.timer.armAt(this.due);
      this.armedAt = due;
    }
  }
}

/** The shorter of two waits (ns), where -1 is none. */
function sooner(a: number, b: number): number {
  return a < 0 || (b >= 0 && b < a) ? b : a;
}
