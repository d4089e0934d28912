// A link of a running network: its ends, its emulation settings, and the
// runtime changes (set, down, up), each recorded in the network's event log.
import type { EventLog } from '../events/index.js';
import { P4labError } from '../errors.js';
import { parseEmulation, type EmulationValues, type LinkEmulation } from './link-params.js';
import type { LinkState } from './state.js';

/** One end of a link as wired. */
export interface LinkEnd {
  node: string;
  kind: 'host' | 'p4switch' | 'bridge';
  /** Switch/bridge port number, or N of a host's ethN. */
  port: number;
  /** Interface name in the end's namespace (a host's, or the root namespace). */
  ifname: string;
}

/** What applies settings to the wire; the network provides it. */
export interface LinkDriver {
  applyEmulation(link: Link, values: EmulationValues): Promise<void>;
  setUp(link: Link, up: boolean): Promise<void>;
  changed(link: Link): void;
}

export class Link {
  #settings: LinkEmulation;
  #values: EmulationValues;
  #up = true;

  constructor(
    readonly a: LinkEnd,
    readonly b: LinkEnd,
    settings: LinkEmulation,
    private readonly driver: LinkDriver,
    private readonly events: EventLog,
  ) {
    this.#settings = { ...settings };
    this.#values = parseEmulation(this.label, settings);
    this.#checkSupported(this.#values);
  }

  /** Without a P4 switch on the link only tbf is available: refuse what it cannot do. */
  #checkSupported(v: EmulationValues): void {
    if (this.a.kind === 'p4switch' || this.b.kind === 'p4switch') return;
    const names = (['delayUs', 'jitterUs', 'loss'] as const).filter((k) => v[k] !== undefined && v[k] !== 0).map((k) => ({ delayUs: 'delay', jitterUs: 'jitter', loss: 'loss' })[k]);
    if (names.length > 0) {
      throw new P4labError(
        `link ${this.label}: ${names.join(', ')} cannot be emulated on a link without a P4 switch (this kernel has no netem qdisc; such links emulate rate and queue only, with tbf)`,
        'put a P4 switch on the link (its ports emulate delay, jitter and loss), or drop those settings',
      );
    }
  }

  get label(): string {
    return `${this.a.node}-${this.b.node}`;
  }

  /** Current settings, as given (merged over earlier ones). */
  get settings(): LinkEmulation {
    return { ...this.#settings };
  }

  get values(): EmulationValues {
    return { ...this.#values };
  }

  get isUp(): boolean {
    return this.#up;
  }

  joins(x: string, y: string): boolean {
    return (this.a.node === x && this.b.node === y) || (this.a.node === y && this.b.node === x);
  }

  /**
   * Changes emulation settings; settings not named keep their values (unlike
   * containerlab's netem, which resets what a call omits). `null` clears one.
   */
  async set(changes: { [K in keyof LinkEmulation]?: LinkEmulation[K] | null }): Promise<void> {
    const merged: LinkEmulation = { ...this.#settings };
    for (const [k, v] of Object.entries(changes) as [keyof LinkEmulation, unknown][]) {
      if (v === null) delete merged[k];
      else (merged as Record<string, unknown>)[k] = v;
    }
    const values = parseEmulation(this.label, merged);
    this.#checkSupported(values);
    await this.driver.applyEmulation(this, values);
    this.#settings = merged;
    this.#values = values;
    this.events.record('link_change', {
      link: this.label,
      ...(values.delayUs !== undefined ? { delay_ms: values.delayUs / 1000 } : {}),
      ...(values.jitterUs !== undefined ? { jitter_ms: values.jitterUs / 1000 } : {}),
      ...(values.loss !== undefined ? { loss: values.loss } : {}),
      ...(values.rateBps !== undefined ? { rate_bps: values.rateBps } : {}),
    });
    this.driver.changed(this);
  }

  async down(): Promise<void> {
    await this.#setUp(false);
  }

  async up(): Promise<void> {
    await this.#setUp(true);
  }

  async #setUp(up: boolean): Promise<void> {
    await this.driver.setUp(this, up);
    this.#up = up;
    this.events.record('link_change', { link: this.label, up });
    this.driver.changed(this);
  }

  toState(): LinkState {
    return { a: this.a.node, b: this.b.node, portA: this.a.port, portB: this.b.port, ifA: this.a.ifname, ifB: this.b.ifname, emulation: this.settings, up: this.#up };
  }
}

export function linkNotFound(x: string, y: string): P4labError {
  return new P4labError(`no link between ${x} and ${y}`, 'check the node names, or add it with net.addLink');
}
