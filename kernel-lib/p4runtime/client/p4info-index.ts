// The loaded program's P4Info, indexed by name (full, alias, unambiguous
// suffix) and by id, so builders can turn names into ids and back.
import type {
  Action,
  ControllerPacketMetadata,
  Counter,
  Digest,
  DirectCounter,
  DirectMeter,
  MatchField,
  Meter,
  P4Info,
  Register,
  Table,
} from '../../p4info/types.js';
import { P4RuntimeNameError } from '../errors.js';
import { NameTable } from './names.js';

interface WithPreamble {
  preamble: { id: number; name: string; alias?: string };
}

/** Both lookups for one kind of P4Info object. */
export class P4Objects<T extends WithPreamble> {
  private readonly names: NameTable<T>;
  private readonly ids = new Map<number, T>();

  constructor(
    readonly kind: string,
    readonly items: readonly T[],
  ) {
    this.names = new NameTable(kind, items.map((item) => ({ name: item.preamble.name, alias: item.preamble.alias, item })));
    for (const item of items) this.ids.set(item.preamble.id, item);
  }

  get(name: string): T {
    return this.names.get(name);
  }

  find(name: string): T | undefined {
    return this.names.find(name);
  }

  byId(id: number): T {
    const item = this.ids.get(id);
    if (!item) throw new P4RuntimeNameError(`the switch answered with unknown ${this.kind} id ${id}`, 'the client and the switch disagree on the program: push the pipeline again or reconnect');
    return item;
  }
}

/** A table with its fields and actions indexed for the builders. */
export interface TableInfo {
  table: Table;
  fields: NameTable<MatchField>;
  actions: NameTable<Action>;
  /** Ternary, range or optional keys: entries need a priority. */
  needsPriority: boolean;
}

export class P4InfoIndex {
  readonly tables: P4Objects<Table>;
  readonly actions: P4Objects<Action>;
  readonly counters: P4Objects<Counter>;
  readonly directCounters: P4Objects<DirectCounter>;
  readonly meters: P4Objects<Meter>;
  readonly directMeters: P4Objects<DirectMeter>;
  readonly registers: P4Objects<Register>;
  readonly digests: P4Objects<Digest>;
  readonly packetMetadata: P4Objects<ControllerPacketMetadata>;
  private readonly tableInfo = new Map<number, TableInfo>();

  constructor(readonly p4info: P4Info) {
    this.tables = new P4Objects('table', p4info.tables ?? []);
    this.actions = new P4Objects('action', p4info.actions ?? []);
    this.counters = new P4Objects('counter', p4info.counters ?? []);
    this.directCounters = new P4Objects('direct counter', p4info.direct_counters ?? []);
    this.meters = new P4Objects('meter', p4info.meters ?? []);
    this.directMeters = new P4Objects('direct meter', p4info.direct_meters ?? []);
    this.registers = new P4Objects('register', p4info.registers ?? []);
    this.digests = new P4Objects('digest', p4info.digests ?? []);
    this.packetMetadata = new P4Objects('controller packet metadata', p4info.controller_packet_metadata ?? []);
  }

  /** The table with its match fields and permitted actions, looked up by any accepted name. */
  table(name: string): TableInfo {
    return this.tableInfoOf(this.tables.get(name));
  }

  tableById(id: number): TableInfo {
    return this.tableInfoOf(this.tables.byId(id));
  }

  private tableInfoOf(table: Table): TableInfo {
    let info = this.tableInfo.get(table.preamble.id);
    if (!info) {
      const name = table.preamble.name;
      info = {
        table,
        fields: new NameTable(`match field of table ${name}`, (table.match_fields ?? []).map((f) => ({ name: f.name, item: f }))),
        actions: new NameTable(
          `action of table ${name}`,
          (table.action_refs ?? []).map((ref) => {
            const action = this.actions.byId(ref.id);
            return { name: action.preamble.name, alias: action.preamble.alias, item: action };
          }),
        ),
        needsPriority: (table.match_fields ?? []).some((f) => f.match_type === 'TERNARY' || f.match_type === 'RANGE' || f.match_type === 'OPTIONAL'),
      };
      this.tableInfo.set(table.preamble.id, info);
    }
    return info;
  }

  /** The packet_in or packet_out header, if the program declares one. */
  controllerHeader(name: 'packet_in' | 'packet_out'): ControllerPacketMetadata | undefined {
    return this.packetMetadata.items.find((m) => m.preamble.name === name);
  }
}
