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

  private pump(): void {
    // Ingress links first: what they release now is serviced in this same pass.
    const ingressDue = this.ports.releaseLinks('ingress');
    let wait = -1;
    try {
      wait = this.dataplane.service();
    } catch (err) {
      if (this.engineErrors++ === 0) this.log.error(`dataplane service failed: ${(err as Error).message}`);
    }
    const egressDue = this.ports.releaseLinks('egress');
    this.ports.flush();
    let due = wait >= 0 ? this.ports.nowNs + wait : -1;
    if (ingressDue >= 0 && (due < 0 || ingressDue < due)) due = ingressDue;
    if (egressDue >= 0 && (due < 0 || egressDue < due)) due = egressDue;
    if (due < 0) {
      if (this.armedAt >= 0) this.timer.disarm();
      this.armedAt = -1;
    } else if (due !== this.armedAt) {
      this.timer.armAt(due);
      this.armedAt = due;
    }
  }
}
