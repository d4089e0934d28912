// The management entity of P4NFV: places NFs on switches and moves them,
// by pipeline manipulation (PM: every switch runs the all-in-one program and
// NF blocks are switched by register flags) or by program reload (PR: a
// switch runs a plain router or one NF's program, replaced with
// VERIFY_AND_SAVE, table writes, state writes, COMMIT).
import { basename } from 'node:path';
import { compileP4FileCached } from '../compiler/cache.js';
import { P4labError } from '../errors.js';
import { EventLog } from '../events/index.js';
import { realtimeNs } from '../events/clock.js';
import type { Network } from '../emulation/network.js';
import type { CompiledProgram, Switch } from '../p4runtime/client/switch.js';
import { blockedSlots, blockSlots, readFirewallState, writeFirewallState, type FirewallState } from './firewall-state.js';
import { checkNfConfig, flowSlot, NF_FLAG, PROGRAMS, type Method, type NfConfig, type NfKind } from './nf.js';
import { pathRoutes, routeEntries } from './routes.js';
import type { TableEntrySpec } from '../p4runtime/client/table-entry.js';
import { StepLog, type Step } from './steps.js';

export interface ManagerOptions {
  method: Method;
  /** Where steps are recorded; default the network's event log. */
  events?: EventLog;
}

export interface MigrateOptions {
  nf: NfConfig;
  from: string;
  to: string;
  /**
   * The path (host, switches…, host) the NF's flows take from the migration
   * on, through `to`, when `to` is not on their route; the routes to the
   * path's last host change along it.
   */
  path?: string[];
}

/** What an instantiation, removal or migration did. */
export interface OperationResult {
  operation: string;
  /** 'legacy' for the container VNF baseline's stop, copy, start. */
  method: Method | 'legacy';
  steps: Step[];
  start_ns: bigint;
  end_ns: bigint;
  /** The firewall state copied (migrations of the firewall). */
  copied?: FirewallState;
}

type Program = keyof typeof PROGRAMS;

const compiled = new Map<string, Promise<CompiledProgram>>();

function program(name: Program): Promise<CompiledProgram> {
  const path = PROGRAMS[name];
  let p = compiled.get(path);
  if (!p) {
    p = compileP4FileCached(path).then((r) => {
      if (!r.ok) throw new P4labError(`${path} does not compile:\n${r.formatted}`, 'fix the program');
      return { bmv2: r.bmv2, p4info: r.p4info };
    });
    p.catch(() => compiled.delete(path)); // a failure is compiled (and reported) again next time
    compiled.set(path, p);
  }
  return p;
}

export class NfManager {
  readonly method: Method;
  readonly events: EventLog;
  /** NFs on each switch. */
  readonly #placed = new Map<string, Map<NfKind, NfConfig>>();
  /** Routes that differ from the shortest path (set by migrations with a path): switch → destination prefix → entry. */
  readonly #rerouted = new Map<string, Map<string, TableEntrySpec>>();

  private constructor(
    readonly net: Network,
    options: ManagerOptions,
  ) {
    if (options.method !== 'PM' && options.method !== 'PR') throw new P4labError(`method ${JSON.stringify(options.method)} is not known`, "use 'PM' (pipeline manipulation) or 'PR' (program reload)");
    this.method = options.method;
    this.events = options.events ?? net.events;
  }

  /**
   * Takes charge of a running network's switches: loads the base program
   * (PM: the all-in-one with IP forwarding on; PR: the IPv4 router) and the
   * routes along shortest paths.
   */
  static async create(net: Network, options: ManagerOptions): Promise<NfManager> {
    const m = new NfManager(net, options);
    // Compiled now, so no compilation competes for the CPU during a measured reconfiguration.
    await Promise.all((m.method === 'PM' ? (['allInOne'] as const) : (['router', 'nat', 'firewall'] as const)).map(program));
    const switches = net.view.nodes.filter((n) => n.kind === 'p4switch').map((n) => n.name);
    await Promise.all(switches.map(async (name) => {
      const sw = m.#sw(name);
      await sw.push(await program(m.method === 'PM' ? 'allInOne' : 'router'));
      await sw.tables['MyIngress.ipv4_lpm']!.insert(m.#routes(name));
      if (m.method === 'PM') await sw.register('MyIngress.nf_enabled').write(NF_FLAG.ip_fwd, 1);
      m.#placed.set(name, new Map());
    }));
    return m;
  }

  /** The switch's routes: shortest paths, with the migrations' reroutes over them. */
  #routes(name: string): TableEntrySpec[] {
    const over = this.#rerouted.get(name);
    return routeEntries(this.net, name).map((e) => over?.get(String(e.match!.dst_addr)) ?? e);
  }

  /** Sends the flows to `path`'s last host along it (see pathRoutes for the order). */
  async #reroute(log: StepLog, path: readonly string[]): Promise<void> {
    for (const { sw, next, entry } of pathRoutes(this.net, path)) {
      const over = this.#rerouted.get(sw) ?? new Map<string, TableEntrySpec>();
      over.set(String(entry.match!.dst_addr), entry);
      this.#rerouted.set(sw, over);
      await log.run(sw, `route to ${path.at(-1)} via ${next}`, () => this.#sw(sw).tables['MyIngress.ipv4_lpm']!.modify(entry));
    }
  }

  #sw(name: string): Switch {
    return this.net.switch(name).client;
  }

  /** NFs placed on a switch. */
  nfsOn(sw: string): NfKind[] {
    return [...(this.#placed.get(sw)?.keys() ?? [])];
  }

  #placement(sw: string): Map<NfKind, NfConfig> {
    const p = this.#placed.get(sw);
    if (!p) throw new P4labError(`switch ${sw} is not managed`, `switches are: ${[...this.#placed.keys()].join(', ')}`);
    return p;
  }

  async #operation(name: string, fn: (log: StepLog) => Promise<FirewallState | void>): Promise<OperationResult> {
    const log = new StepLog(name, this.events);
    const start_ns = realtimeNs();
    const copied = await fn(log);
    return { operation: name, method: this.method, steps: log.steps, start_ns, end_ns: realtimeNs(), ...(copied ? { copied } : {}) };
  }

  /** Starts an NF on a switch. */
  async instantiate(nf: NfConfig, sw: string): Promise<OperationResult> {
    checkNfConfig(nf);
    const placed = this.#placement(sw);
    if (placed.has(nf.kind)) throw new P4labError(`switch ${sw} already runs ${nf.kind}`, 'migrate it, or remove it first');
    const result = await this.#operation(`instantiate ${nf.kind} on ${sw}`, (log) => this.#enable(log, nf, sw));
    placed.set(nf.kind, nf);
    return result;
  }

  /** Stops an NF on a switch. */
  async remove(kind: NfKind, sw: string): Promise<OperationResult> {
    const placed = this.#placement(sw);
    if (!placed.has(kind)) throw new P4labError(`switch ${sw} runs no ${kind}`, `it runs: ${this.nfsOn(sw).join(', ') || 'nothing'}`);
    const result = await this.#operation(`remove ${kind} from ${sw}`, (log) => this.#disable(log, kind, sw));
    placed.delete(kind);
    return result;
  }

  /**
   * Moves an NF, with its state, from one switch to another, rerouting the
   * flows through the target when a path is given.
   *
   * Order (both methods): the target is prepared and switched on before the
   * source is switched off, so for a while both run the NF, never neither;
   * a reroute comes in between, when both run it.
   * Static NAT is idempotent along a path (a translated address matches no
   * rule), so running twice is harmless, while a gap would let packets pass
   * untranslated. For the firewall the state is copied into the target before
   * it takes over, then the blocked bits the source set since the copy are
   * copied once more just before the source stops, so a blocked flow meets a
   * blocking switch at every instant.
   */
  async migrateNF(options: MigrateOptions): Promise<OperationResult> {
    const { from, to } = options;
    const nf = checkNfConfig(options.nf);
    const source = this.#placement(from);
    const target = this.#placement(to);
    if (!source.has(nf.kind)) throw new P4labError(`cannot migrate ${nf.kind} from ${from}: it does not run there`, `it runs: ${this.nfsOn(from).join(', ') || 'nothing'}`);
    if (target.has(nf.kind)) throw new P4labError(`cannot migrate ${nf.kind} to ${to}: it runs there already`, 'pick another target');
    if (options.path && !options.path.includes(to)) throw new P4labError(`path ${options.path.join('-')} does not pass ${to}`, `put ${to} on the path, or leave the path out when ${to} is on the flows' route`);
    if (options.path) pathRoutes(this.net, options.path); // checked before anything changes
    const result = await this.#operation(`migrate ${nf.kind} ${from}→${to} (${this.method})`, async (log) => {
      let state: FirewallState | undefined;
      if (nf.kind === 'firewall') state = await log.run(from, 'read firewall state', () => readFirewallState(this.#sw(from)));
      await this.#enable(log, nf, to, state);
      // Rerouted once the target runs the NF and before the source stops: the flows meet it on either path.
      if (options.path) await this.#reroute(log, options.path);
      if (nf.kind === 'firewall') {
        const late = await log.run(from, 'read blocked flows again', () => blockedSlots(this.#sw(from)));
        await log.run(to, 'write blocked flows again', () => blockSlots(this.#sw(to), late));
      }
      await this.#disable(log, nf.kind, from);
      return state;
    });
    target.set(nf.kind, nf);
    source.delete(nf.kind);
    return result;
  }

  /** Switches an NF on: PM writes its tables or state, then its flag; PR saves its program, populates it, commits. */
  async #enable(log: StepLog, nf: NfConfig, name: string, state?: FirewallState): Promise<void> {
    const sw = this.#sw(name);
    if (this.method === 'PM') {
      await this.#populate(log, sw, nf, state);
      await log.run(name, `enable ${nf.kind} flag`, () => sw.register('MyIngress.nf_enabled').write(NF_FLAG[nf.kind], 1));
      return;
    }
    if (this.nfsOn(name).length > 0) throw new P4labError(`switch ${name} already runs ${this.nfsOn(name).join(', ')}: under program reload a switch runs one NF program`, "use method 'PM' to stack NFs on one switch");
    await this.#reload(log, name, nf.kind, () => this.#populate(log, sw, nf, state));
  }

  async #disable(log: StepLog, kind: NfKind, name: string): Promise<void> {
    const sw = this.#sw(name);
    if (this.method === 'PR') return this.#reload(log, name, 'router', async () => {});
    await log.run(name, `disable ${kind} flag`, () => sw.register('MyIngress.nf_enabled').write(NF_FLAG[kind], 0));
    // Cleared after the flag is off, so the block never runs half-configured.
    if (kind === 'nat') {
      const rules = (this.#placement(name).get('nat') as Extract<NfConfig, { kind: 'nat' }>).rules;
      await log.run(name, 'delete nat entries', () => Promise.all([
        sw.tables['MyIngress.nat_outbound']!.delete(rules.map((r) => ({ match: { private_addr: r.private } }))),
        sw.tables['MyIngress.nat_inbound']!.delete(rules.map((r) => ({ match: { public_addr: r.public } }))),
      ]));
    }
  }

  /** PR: VERIFY_AND_SAVE, routes, the NF's entries and state, COMMIT; each a step. */
  async #reload(log: StepLog, name: string, prog: Program, populate: () => Promise<void>): Promise<void> {
    const sw = this.#sw(name);
    const p = await program(prog);
    const file = basename(PROGRAMS[prog]);
    await log.run(name, `save ${file}`, () => sw.save(p));
    await log.run(name, 'insert routes', () => sw.tables['MyIngress.ipv4_lpm']!.insert(this.#routes(name)));
    await populate();
    await log.run(name, `commit ${file}`, () => sw.commit());
  }

  /** An NF's table entries and state (the program they go to is the running one under PM, the saved one under PR). */
  async #populate(log: StepLog, sw: Switch, nf: NfConfig, state?: FirewallState): Promise<void> {
    if (nf.kind === 'nat') {
      await log.run(sw.name, 'insert nat entries', () => Promise.all([
        sw.tables['MyIngress.nat_outbound']!.insert(nf.rules.map((r) => ({ match: { private_addr: r.private }, action: 'snat', params: { public_addr: r.public } }))),
        sw.tables['MyIngress.nat_inbound']!.insert(nf.rules.map((r) => ({ match: { public_addr: r.public }, action: 'dnat', params: { private_addr: r.private } }))),
      ]));
      return;
    }
    if (state) await log.run(sw.name, `write firewall state (${state.slots.size} flows)`, () => writeFirewallState(sw, { ...state, threshold_us: BigInt(nf.threshold_us) }));
    else await log.run(sw.name, 'write firewall threshold', () => sw.register('MyIngress.fw_threshold').write(0, nf.threshold_us));
    if (nf.block?.length) await log.run(sw.name, `block ${nf.block.length} flows`, () => blockSlots(sw, nf.block!.map(flowSlot)));
  }
}
