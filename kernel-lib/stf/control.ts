// STF control-plane commands → Dataplane calls. Multicast follows
// simple_switch's CLI model: nodes (a replication id and ports, handles
// numbered from 0) associated with groups; a group's replicas are the
// ports of its nodes, and a session mirrored to a group follows it.
import type { Bmv2Json } from '../bmv2/json-format.js';
import { P4labError } from '../errors.js';
import { ControlError, type Replica } from '../switch/control-plane.js';
import type { Dataplane } from '../switch/engine/dataplane.js';
import { findAction, findKeyField, findRegister, findTable } from './names.js';
import { stfError, type StfActionCall, type StfCommand } from './parse.js';
import { keyMatch, plainNumber, type KeyKind } from './values.js';

type Control = Exclude<StfCommand, { kind: 'packet' | 'expect' }>;

export class ControlState {
  private readonly nodes: Array<{ rid: number; ports: number[] }> = [];
  private readonly groups = new Map<number, number[]>(); // group → node handles
  private readonly mirroredGroups = new Map<number, number>(); // session → group

  constructor(
    private readonly dp: Dataplane,
    private readonly json: Bmv2Json,
  ) {}

  apply(c: Control): void {
    try {
      this.run(c);
    } catch (e) {
      if (e instanceof P4labError) throw e;
      if (e instanceof ControlError || e instanceof Error) throw stfError(c, e.message);
      throw e;
    }
  }

  private run(c: Control): void {
    switch (c.kind) {
      case 'add': {
        const table = findTable(this.json, c.table);
        const written = new Map(c.keys.map((k) => [findKeyField(table, k.name), k]));
        const key = table.key.map((k, i) => keyMatch(k.match_type as KeyKind, this.keyWidth(k.target), written.get(i)));
        const ranked = table.match_type === 'ternary' || table.match_type === 'range';
        // STF priorities are P4Runtime's (higher wins; p4c's runner turns p into BMv2's 10000 - p).
        this.dp.tableAdd(table.name, { key, action: this.action(table.name, c.action), priority: ranked ? (c.priority ?? 1) : 0 });
        return;
      }
      case 'setdefault':
        this.dp.tableSetDefault(findTable(this.json, c.table).name, this.action(c.table, c.action));
        return;
      case 'mirroring_add':
        this.dp.cloneSessionSet(c.session, { replicas: [{ port: c.port, instance: 0 }], classOfService: 0, packetLengthBytes: 0 });
        return;
      case 'mirroring_add_mc':
        this.mirroredGroups.set(c.session, c.group);
        this.syncSession(c.session);
        return;
      case 'mc_mgrp_create':
        if (!this.groups.has(c.group)) this.groups.set(c.group, []);
        this.syncGroup(c.group);
        return;
      case 'mc_node_create':
        this.nodes.push({ rid: c.rid, ports: c.ports });
        return;
      case 'mc_node_associate': {
        const members = this.groups.get(c.group);
        if (!members) throw new Error(`multicast group ${c.group} was not created (mc_mgrp_create ${c.group})`);
        if (!this.nodes[c.node]) throw new Error(`no node with handle ${c.node}: handles count mc_node_create commands from 0`);
        members.push(c.node);
        this.syncGroup(c.group);
        return;
      }
      case 'register_write':
        this.dp.registerWrite(findRegister(this.json, c.register), c.index, c.value);
        return;
      case 'register_reset':
        this.dp.registerReset(findRegister(this.json, c.register));
        return;
      case 'ignored':
        return;
    }
  }

  private action(tableName: string, call: StfActionCall): { action: string; params: bigint[] } {
    const table = findTable(this.json, tableName);
    const action = findAction(this.json, table, call.name);
    const given = new Map(call.args.map((a) => [a.name, a.value]));
    for (const name of given.keys()) {
      if (!action.runtime_data.some((p) => p.name === name)) throw new Error(`action ${action.name} has no parameter '${name}' (it takes: ${action.runtime_data.map((p) => p.name).join(', ') || 'none'})`);
    }
    const params = action.runtime_data.map((p) => {
      const v = given.get(p.name);
      if (v === undefined) throw new Error(`action ${action.name} needs a value for '${p.name}'`);
      return plainNumber(v);
    });
    return { action: action.name, params };
  }

  private keyWidth(target: [string, string] | string): number {
    if (!Array.isArray(target)) return 1; // a whole header's validity
    const [header, field] = target;
    if (field === '$valid$') return 1;
    const h = this.json.headers.find((x) => x.name === header);
    const t = h && this.json.header_types.find((x) => x.name === h.header_type);
    const f = t?.fields.find((x) => x[0] === field);
    if (!f || typeof f[1] !== 'number') throw new Error(`table key ${header}.${field} is not a fixed-width field of the program`);
    return f[1];
  }

  private replicas(group: number): Replica[] {
    return (this.groups.get(group) ?? []).flatMap((n) => this.nodes[n]!.ports.map((port) => ({ port, instance: this.nodes[n]!.rid })));
  }

  private syncGroup(group: number): void {
    this.dp.multicastGroupSet(group, this.replicas(group));
    for (const [session, g] of this.mirroredGroups) if (g === group) this.syncSession(session);
  }

  private syncSession(session: number): void {
    this.dp.cloneSessionSet(session, { replicas: this.replicas(this.mirroredGroups.get(session)!), classOfService: 0, packetLengthBytes: 0 });
  }
}
