// The event log as a dataframe on the traffic analysis' time axis.
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import type { EventLog, LoggedEvent } from '../events/event-log.js';

/** Columns t_ns (float64 ns since originNs), kind, label, detail (JSON text). */
export function eventsTable(events: EventLog | readonly LoggedEvent[], originNs: bigint): ColumnTable {
  const list = 'events' in events ? events.events : events;
  return aq.table({
    t_ns: Float64Array.from(list, (e) => Number(e.t_ns - originNs)),
    kind: list.map((e) => e.kind),
    label: list.map((e) => e.label),
    detail: list.map((e) => JSON.stringify(e.detail)),
  });
}
