// The log of control actions (pipeline pushes, table/register writes, link
// changes, host changes, migration steps), timestamped on the traces' clock so
// plots can mark them on latency-over-time and analyses can join them.
import { P4labError } from '../errors.js';
import { realtimeNs } from './clock.js';

/** What each kind of event carries. */
export interface EventDetails {
  pipeline_save: { device: string; program?: string };
  pipeline_commit: { device: string; program?: string };
  table_write: { device: string; table: string; op: 'insert' | 'modify' | 'delete'; entries?: number };
  register_write: { device: string; register: string; index?: number; count?: number };
  link_change: {
    link: string;
    up?: boolean;
    delay_ms?: number;
    jitter_ms?: number;
    loss?: number;
    rate_bps?: number;
  };
  host_add: { host: string };
  host_remove: { host: string };
  migration_step: { migration: string; step: string };
  custom: { label: string; [key: string]: unknown };
}

export type EventKind = keyof EventDetails;

export const EVENT_KINDS: readonly EventKind[] = [
  'pipeline_save', 'pipeline_commit', 'table_write', 'register_write',
  'link_change', 'host_add', 'host_remove', 'migration_step', 'custom',
];

export interface LoggedEvent<K extends EventKind = EventKind> {
  /** CLOCK_REALTIME nanoseconds. */
  readonly t_ns: bigint;
  readonly kind: K;
  /** Short text for plot markers, e.g. "commit s1". */
  readonly label: string;
  readonly detail: EventDetails[K];
}

export class EventLog {
  readonly #events: LoggedEvent[] = [];

  /** Records an event now (or at `t_ns`) and returns it. */
  record<K extends EventKind>(kind: K, detail: EventDetails[K], options: { label?: string; t_ns?: bigint } = {}): LoggedEvent<K> {
    const event: LoggedEvent<K> = {
      t_ns: options.t_ns ?? realtimeNs(),
      kind,
      label: options.label ?? defaultLabel(kind, detail),
      detail,
    };
    this.#events.push(event as LoggedEvent);
    return event;
  }

  /** Events in time order. */
  get events(): readonly LoggedEvent[] {
    return [...this.#events].sort((a, b) => (a.t_ns < b.t_ns ? -1 : a.t_ns > b.t_ns ? 1 : 0));
  }

  get size(): number {
    return this.#events.length;
  }

  /** One JSON object per line; t_ns as a decimal string (it exceeds 2^53). */
  toJsonLines(): string {
    return this.events
      .map((e) => JSON.stringify({ t_ns: e.t_ns.toString(), kind: e.kind, label: e.label, detail: e.detail }) + '\n')
      .join('');
  }

  /** Parses what toJsonLines wrote; `source` names the file in errors. */
  static fromJsonLines(text: string, source = 'event log'): EventLog {
    const log = new EventLog();
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `${source} line ${i + 1}`;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        throw new P4labError(`${where}: not JSON`, 'event logs hold one JSON object per line, as EventLog.toJsonLines writes');
      }
      const o = raw as { t_ns?: unknown; kind?: unknown; label?: unknown; detail?: unknown };
      if (typeof o.t_ns !== 'string' || !/^\d+$/.test(o.t_ns)) {
        throw new P4labError(`${where}: t_ns must be a decimal string of nanoseconds`);
      }
      if (typeof o.kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(o.kind)) {
        throw new P4labError(`${where}: unknown kind ${JSON.stringify(o.kind)}`, `use one of ${EVENT_KINDS.join(', ')}`);
      }
      if (typeof o.label !== 'string' || typeof o.detail !== 'object' || o.detail === null) {
        throw new P4labError(`${where}: label must be a string and detail an object`);
      }
      log.#events.push({ t_ns: BigInt(o.t_ns), kind: o.kind as EventKind, label: o.label, detail: o.detail as EventDetails[EventKind] });
    });
    return log;
  }
}

function defaultLabel(kind: EventKind, detail: EventDetails[EventKind]): string {
  const d = detail as Record<string, unknown>;
  switch (kind) {
    case 'pipeline_save': return `save ${d.device}`;
    case 'pipeline_commit': return `commit ${d.device}`;
    case 'table_write': return `${d.op} ${d.device}/${d.table}`;
    case 'register_write': return `write ${d.device}/${d.register}`;
    case 'link_change': return `link ${d.link}`;
    case 'host_add': return `add ${d.host}`;
    case 'host_remove': return `remove ${d.host}`;
    case 'migration_step': return `${d.migration}: ${d.step}`;
    case 'custom': return String(d.label);
  }
}
