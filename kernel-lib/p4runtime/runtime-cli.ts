// BMv2 runtime-CLI command files (as FOP4, p4-utils and the p4lang tutorials
// pipe into simple_switch_CLI) translated to P4Runtime writes and queue calls.
// BMv2-only notions are kept per switch: entry handles (numbered from 0 per
// table, as BMv2 does) and multicast nodes (a group's replicas are the union of
// its nodes' ports, each copy with the node's rid as instance).
import { P4labError } from '../errors.js';
import type { Switch } from './client/switch.js';
import type { TableEntrySpec } from './client/table-entry.js';
import type { ReplicaInput } from './client/replication.js';
import { suggest } from './client/names.js';

export interface CommandResult {
  line: number;
  command: string;
  /** Text a read command printed (register_read, counter_read, …). */
  output?: string;
}

/** BMv2 priorities are "lower wins"; P4Runtime's "higher wins": p4runtime = BASE - bmv2. */
export const CLI_PRIORITY_BASE = 0xffffff;

interface CliState {
  handles: Map<string, Map<number, TableEntrySpec>>;
  nextHandle: Map<string, number>;
  nodes: Map<number, { rid: number; ports: number[] }>;
  nextNode: number;
  groups: Map<number, Set<number>>;
}

const states = new WeakMap<Switch, CliState>();

function stateOf(sw: Switch): CliState {
  let s = states.get(sw);
  if (!s) {
    s = { handles: new Map(), nextHandle: new Map(), nodes: new Map(), nextNode: 0, groups: new Map() };
    states.set(sw, s);
  }
  return s;
}

type Handler = (sw: Switch, args: string[], st: CliState) => Promise<string | undefined>;

function usage(text: string): P4labError {
  return new P4labError(`usage: ${text}`);
}

function int(text: string | undefined, what: string): number {
  if (text === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new P4labError(`${what} must be a non-negative integer, got ${text === undefined ? 'nothing' : `'${text}'`}`);
  return Number(text);
}

function entryOf(st: CliState, table: string, handleText: string | undefined): TableEntrySpec {
  const handle = int(handleText, 'entry handle');
  const spec = st.handles.get(table)?.get(handle);
  if (!spec) throw new P4labError(`table ${table} has no entry with handle ${handle}`, 'handles are numbered from 0 per table in the order this client added entries');
  return spec;
}

/** Splits `keys… => params… [prio]` and checks the counts against the table and action. */
function tableAddSpec(sw: Switch, args: string[]): { table: string; spec: TableEntrySpec } {
  const arrow = args.indexOf('=>');
  if (args.length < 2) throw usage('table_add <table> <action> <keys…> => <params…> [priority]');
  const info = sw.index.table(args[0]!);
  const action = info.actions.get(args[1]!);
  const keys = arrow < 0 ? args.slice(2) : args.slice(2, arrow);
  const rest = arrow < 0 ? [] : args.slice(arrow + 1);
  const fields = info.table.match_fields ?? [];
  const table = info.table.preamble.name;
  if (keys.length !== fields.length) {
    throw new P4labError(`table ${table} has ${fields.length} key field(s) (${fields.map((f) => f.name).join(', ')}), got ${keys.length}`);
  }
  const params = action.params ?? [];
  const prioritized = info.needsPriority;
  const expected = params.length + (prioritized ? 1 : 0);
  if (rest.length !== expected) {
    const names = params.map((p) => p.name).join(', ') || 'none';
    throw new P4labError(`action ${action.preamble.name} takes ${params.length} parameter(s) (${names})${prioritized ? ' then a priority' : ''}, got ${rest.length} value(s) after '=>'`);
  }
  const spec: TableEntrySpec = { match: {}, action: action.preamble.name, params: rest.slice(0, params.length) };
  fields.forEach((f, i) => (spec.match![f.name] = keys[i]!));
  if (prioritized) {
    const bmv2 = int(rest[params.length], 'priority');
    if (bmv2 >= CLI_PRIORITY_BASE) throw new P4labError(`priority ${bmv2} is too large: at most ${CLI_PRIORITY_BASE - 1}`);
    spec.priority = CLI_PRIORITY_BASE - bmv2;
  }
  return { table, spec };
}

async function syncGroup(sw: Switch, st: CliState, group: number): Promise<void> {
  const replicas: ReplicaInput[] = [];
  for (const n of st.groups.get(group) ?? []) {
    const node = st.nodes.get(n)!;
    for (const port of node.ports) replicas.push({ port, instance: node.rid });
  }
  await sw.multicastGroups.modify(group, replicas);
}

const COMMANDS: Record<string, Handler> = {
  async table_add(sw, args, st) {
    const { table, spec } = tableAddSpec(sw, args);
    await sw.table(table).insert(spec);
    const handle = st.nextHandle.get(table) ?? 0;
    st.nextHandle.set(table, handle + 1);
    if (!st.handles.has(table)) st.handles.set(table, new Map());
    st.handles.get(table)!.set(handle, spec);
    return `Entry has been added with handle ${handle}`;
  },
  async table_set_default(sw, args) {
    if (args.length < 2) throw usage('table_set_default <table> <action> <params…>');
    await sw.table(args[0]!).setDefault(args[1]!, args.slice(2));
    return undefined;
  },
  async table_delete(sw, args, st) {
    if (args.length !== 2) throw usage('table_delete <table> <entry handle>');
    const table = sw.index.table(args[0]!).table.preamble.name;
    const spec = entryOf(st, table, args[1]);
    await sw.table(table).delete(spec);
    st.handles.get(table)!.delete(int(args[1], 'entry handle'));
    return undefined;
  },
  async table_modify(sw, args, st) {
    if (args.length < 3) throw usage('table_modify <table> <action> <entry handle> <params…>');
    const table = sw.index.table(args[0]!).table.preamble.name;
    const spec = { ...entryOf(st, table, args[2]), action: args[1]!, params: args.slice(3) };
    await sw.table(table).modify(spec);
    st.handles.get(table)!.set(int(args[2], 'entry handle'), spec);
    return undefined;
  },
  async table_clear(sw, args, st) {
    if (args.length !== 1) throw usage('table_clear <table>');
    const table = sw.index.table(args[0]!).table.preamble.name;
    await sw.table(table).clear();
    st.handles.delete(table);
    return undefined;
  },
  async table_num_entries(sw, args) {
    if (args.length !== 1) throw usage('table_num_entries <table>');
    return String((await sw.table(args[0]!).read()).length);
  },
  async register_read(sw, args) {
    if (args.length < 1 || args.length > 2) throw usage('register_read <register> [index]');
    const reg = sw.register(args[0]!);
    const name = sw.index.registers.get(args[0]!).preamble.name;
    if (args.length === 2) {
      const i = int(args[1], 'index');
      return `${name}[${i}]= ${await reg.read(i)}`;
    }
    return `${name}= ${(await reg.readRange()).join(', ')}`;
  },
  async register_write(sw, args) {
    if (args.length !== 3) throw usage('register_write <register> <index> <value>');
    await sw.register(args[0]!).write(int(args[1], 'index'), args[2]!);
    return undefined;
  },
  async register_reset(sw, args) {
    if (args.length !== 1) throw usage('register_reset <register>');
    await sw.register(args[0]!).reset();
    return undefined;
  },
  async counter_read(sw, args, st) {
    if (args.length !== 2) throw usage('counter_read <counter> <index | entry handle>');
    const direct = sw.index.directCounters.find(args[0]!);
    if (direct) {
      const table = sw.index.tableById(direct.direct_table_id).table.preamble.name;
      const v = await sw.table(table).readCounter(entryOf(st, table, args[1]));
      return `${direct.preamble.name}[${args[1]}]= (${v.bytes} bytes, ${v.packets} packets)`;
    }
    const i = int(args[1], 'index');
    const v = await sw.counter(args[0]!).read(i);
    return `${sw.index.counters.get(args[0]!).preamble.name}[${i}]= (${v.bytes} bytes, ${v.packets} packets)`;
  },
  async counter_reset(sw, args) {
    if (args.length !== 1) throw usage('counter_reset <counter>');
    await sw.counter(args[0]!).reset();
    return undefined;
  },
  async meter_set_rates(sw, args) {
    // BMv2 rates are per microsecond; P4Runtime's per second.
    if (args.length !== 4) throw usage('meter_set_rates <meter> <index> <cir>:<cburst> <pir>:<pburst>');
    const rate = (text: string): [number, number] => {
      const m = /^([\d.]+):(\d+)$/.exec(text);
      if (!m) throw new P4labError(`rate '${text}' must be <units per microsecond>:<burst>`);
      return [Math.round(Number(m[1]) * 1e6), Number(m[2])];
    };
    const [cir, cburst] = rate(args[2]!);
    const [pir, pburst] = rate(args[3]!);
    await sw.meter(args[0]!).set(int(args[1], 'index'), { cir, cburst, pir, pburst });
    return undefined;
  },
  async mirroring_add(sw, args) {
    if (args.length !== 2) throw usage('mirroring_add <session> <egress port>');
    await sw.cloneSessions.insert(int(args[0], 'session'), { replicas: [int(args[1], 'port')] });
    return undefined;
  },
  async mirroring_delete(sw, args) {
    if (args.length !== 1) throw usage('mirroring_delete <session>');
    await sw.cloneSessions.delete(int(args[0], 'session'));
    return undefined;
  },
  async mc_mgrp_create(sw, args, st) {
    if (args.length !== 1) throw usage('mc_mgrp_create <group>');
    const g = int(args[0], 'group');
    await sw.multicastGroups.insert(g, []);
    st.groups.set(g, new Set());
    return undefined;
  },
  async mc_mgrp_destroy(sw, args, st) {
    if (args.length !== 1) throw usage('mc_mgrp_destroy <group>');
    const g = int(args[0], 'group');
    await sw.multicastGroups.delete(g);
    st.groups.delete(g);
    return undefined;
  },
  async mc_node_create(_sw, args, st) {
    if (args.length < 1) throw usage('mc_node_create <rid> <ports…>');
    const rid = int(args[0], 'rid');
    const ports = args.slice(1).filter((a) => a !== '|').map((p) => int(p, 'port'));
    const handle = st.nextNode++;
    st.nodes.set(handle, { rid, ports });
    return `node was created with handle ${handle}`;
  },
  async mc_node_destroy(sw, args, st) {
    if (args.length !== 1) throw usage('mc_node_destroy <node handle>');
    const n = int(args[0], 'node handle');
    st.nodes.delete(n);
    for (const [g, nodes] of st.groups) if (nodes.delete(n)) await syncGroup(sw, st, g);
    return undefined;
  },
  async mc_node_associate(sw, args, st) {
    if (args.length !== 2) throw usage('mc_node_associate <group> <node handle>');
    const g = int(args[0], 'group');
    const n = int(args[1], 'node handle');
    if (!st.nodes.has(n)) throw new P4labError(`no multicast node with handle ${n}`, 'create it first with mc_node_create <rid> <ports…>');
    if (!st.groups.has(g)) throw new P4labError(`multicast group ${g} was not created by these commands`, 'create it first with mc_mgrp_create');
    st.groups.get(g)!.add(n);
    await syncGroup(sw, st, g);
    return undefined;
  },
  async mc_node_dissociate(sw, args, st) {
    if (args.length !== 2) throw usage('mc_node_dissociate <group> <node handle>');
    const g = int(args[0], 'group');
    st.groups.get(g)?.delete(int(args[1], 'node handle'));
    await syncGroup(sw, st, g);
    return undefined;
  },
  async set_queue_rate(sw, args) {
    if (args.length < 1 || args.length > 2) throw usage('set_queue_rate <packets per second> [egress port]');
    const pps = Number(args[0]);
    if (!Number.isFinite(pps) || pps < 0) throw new P4labError(`rate must be a non-negative number of packets per second, got '${args[0]}'`);
    await sw.setQueueRate(pps, args[1] === undefined ? undefined : int(args[1], 'port'));
    return undefined;
  },
  async set_queue_depth(sw, args) {
    if (args.length < 1 || args.length > 2) throw usage('set_queue_depth <packets> [egress port]');
    await sw.setQueueDepth(int(args[0], 'depth'), args[1] === undefined ? undefined : int(args[1], 'port'));
    return undefined;
  },
};

export const SUPPORTED_COMMANDS = Object.keys(COMMANDS);

/** Runs each command in order; the first failure stops and names the line and the command. */
export async function runCommands(sw: Switch, text: string, source = 'commands'): Promise<CommandResult[]> {
  const results: CommandResult[] = [];
  const st = stateOf(sw);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const command = lines[i]!.replace(/#.*$/, '').trim();
    if (!command) continue;
    const [name, ...args] = command.split(/\s+/);
    const handler = COMMANDS[name!];
    const where = `${source} line ${i + 1}: ${command}`;
    if (!handler) {
      const close = suggest(name!, SUPPORTED_COMMANDS);
      throw new P4labError(`${where}: unknown command '${name}'`, close.length ? `did you mean ${close.join(' or ')}?` : `supported: ${SUPPORTED_COMMANDS.join(', ')}`);
    }
    try {
      const output = await handler(sw, args, st);
      results.push(output === undefined ? { line: i + 1, command } : { line: i + 1, command, output });
    } catch (err) {
      const e = err as Error;
      throw new P4labError(`${where}: ${e.message}`, e instanceof P4labError ? e.hint : undefined);
    }
  }
  return results;
}
