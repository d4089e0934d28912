// Every change of link emulation settings, time-stamped, so a trace can be
// lined up with the moments the network changed.
import type { LinkConfig } from './config.js';

export interface LinkChange {
  realtimeNs: bigint; // wall clock of the change
  port: number;
  direction: 'egress' | 'ingress';
  changed: Array<keyof LinkConfig>;
  config: LinkConfig; // the port's settings after the change
}

/** Oldest entries go first once the log holds this many. */
const MAX_ENTRIES = 10_000;

export class LinkChangeLog {
  private readonly entries: LinkChange[] = [];

  record(change: LinkChange): void {
    if (this.entries.length === MAX_ENTRIES) this.entries.shift();
    this.entries.push(change);
  }

  /** Changes in time order, of one port or of all. */
  list(port?: number): LinkChange[] {
    return port === undefined ? [...this.entries] : this.entries.filter((e) => e.port === port);
  }
}
