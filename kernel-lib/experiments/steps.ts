// The management entity's steps, each time-stamped when it completes and
// recorded in the event log, so plots mark them on latency over time.
import type { EventLog } from '../events/index.js';
import { realtimeNs } from '../events/clock.js';

export interface Step {
  /** What was done, e.g. "commit nat.p4". */
  step: string;
  /** The switch it was done on. */
  device: string;
  /** When it started and ended (CLOCK_REALTIME ns, the traces' clock). */
  start_ns: bigint;
  end_ns: bigint;
}

export class StepLog {
  readonly steps: Step[] = [];

  constructor(
    /** Names the operation in the event log, e.g. "migrate nat s1→s3". */
    readonly operation: string,
    private readonly events: EventLog,
  ) {}

  /** Runs `fn` as one step and records it. */
  async run<T>(device: string, step: string, fn: () => Promise<T>): Promise<T> {
    const start_ns = realtimeNs();
    const out = await fn();
    const end_ns = realtimeNs();
    this.steps.push({ step, device, start_ns, end_ns });
    this.events.record('migration_step', { migration: this.operation, step: `${device}: ${step}` }, { label: `${step} ${device}`, t_ns: end_ns });
    return out;
  }
}
