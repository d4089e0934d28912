// An emulated network: hosts (namespaces or containers), P4 switches, Linux
// bridges and links, declared with Mininet's small vocabulary and run with
// containerlab's lifecycle. start() returns when everything is ready; hosts
// and links can be added, changed and removed while it runs.
import { EventLog } from '../events/index.js';
import { P4labError } from '../errors.js';
import { assignAddress, checkCidr, checkMac, portMac, sameSubnet, type AddressingStrategy, type HostAddress } from './addressing.js';
import { cleanup, describeLeftovers, findLeftovers, isEmpty } from './cleanup.js';
import { DockerHost, type DockerHostOptions } from './hosts/docker-host.js';
import { NetnsHost } from './hosts/netns-host.js';
import { Link, linkNotFound, type LinkDriver, type LinkEnd } from './link.js';
import type { EmulationValues, LinkEmulation } from './link-params.js';
import { bridgeIfName, checkNetworkName, checkNodeName, deviceGroup, networkId, nodeTag, portIfName } from './naming.js';
import { inNetns, ipBatch, run, runRaw } from './run.js';
import { createRunDir, logDir, writeState, type NodeState } from './state.js';
import { P4SwitchNode, type P4SwitchOptions } from './switch-node.js';
import { DEFAULT_SWITCH_PROCESSES, pack, SharedSwitchProcess } from './shared-switch-process.js';
import { topologySvg } from './graph.js';
import type { NodeSpec } from './topology-file.js';
import { TopologyView, type NodeKind } from './topology-view.js';
import { bridgeLines, interfaceLines, neighborLine, tbfArgv, vethLine, type VethEnd } from './wiring.js';

export interface HostOptions extends Partial<Omit<DockerHostOptions, 'cmd' | 'image'>> {
  /** IPv4 address with prefix length; default from the addressing strategy. */
  ip?: string;
  mac?: string;
  backend?: 'netns' | 'docker';
  /** Docker image: a recipe name in containers/ or any local image. */
  image?: string;
  /** Replaces the image's CMD (its ENTRYPOINT stays). */
  cmd?: string | string[];
}

export interface LinkOptions extends LinkEmulation {
  /** Port numbers at each end (switch/bridge port, or N of a host's ethN); default the next free. */
  ports?: [number | undefined, number | undefined];
}

export interface NetworkOptions {
  /** 1-32 characters: lower-case letters, digits, "-", "_". Names everything the network creates. */
  name: string;
  addressing?: AddressingStrategy;
  /** Link changes and host additions/removals are recorded here. */
  events?: EventLog;
  /**
   * How many processes p4lab's switches are packed into, each hosting
   * several devices; default one per CPU core, so forwarding uses every core.
   */
  switchProcesses?: number;
}

export type Host = NetnsHost | DockerHost;

interface NodeBase {
  name: string;
  seq: number;
  tag: string;
  usedPorts: Set<number>;
}
interface HostEntry extends NodeBase {
  kind: 'host';
  hostSeq: number;
  options: HostOptions;
  host: Host;
  /** Set when the first link goes to a P4 switch: the gateway for l3/mixed addressing. */
  gateway?: { switchName: string; hostIndex: number; port: number };
  addr?: HostAddress;
}
interface SwitchEntry extends NodeBase {
  kind: 'p4switch';
  switchSeq: number;
  sw: P4SwitchNode;
  hostsAttached: number;
}
interface BridgeEntry extends NodeBase {
  kind: 'bridge';
  ifname: string;
}
type Entry = HostEntry | SwitchEntry | BridgeEntry;

/**
 * Waits for every promise, then throws the first failure: when one step of
 * a start fails, teardown must not begin while its siblings still create things.
 */
async function settled(promises: Array<Promise<unknown> | undefined>): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export class Network implements LinkDriver {
  readonly name: string;
  readonly events: EventLog;
  readonly addressing: AddressingStrategy;
  /** Failures no call could return (a switch process that died), newest last. */
  readonly failures: string[] = [];
  readonly #entries = new Map<string, Entry>();
  readonly #links: Link[] = [];
  readonly #failureListeners: Array<(message: string) => void> = [];
  readonly #logDir: string;
  #seq = { node: 0, host: 0, switch: 0 };
  #running = false;
  /** Set once switches run, so link settings can reach the wire. */
  #wired = false;
  #startedAt = '';
  readonly #switchProcesses: number;

  constructor(options: NetworkOptions) {
    checkNetworkName(options.name);
    const processes = options.switchProcesses ?? DEFAULT_SWITCH_PROCESSES;
    if (!Number.isInteger(processes) || processes < 1) throw new P4labError(`network ${options.name}: switchProcesses ${processes} is not a whole number >= 1`, 'give how many switch processes to start, e.g. 2');
    this.#switchProcesses = processes;
    this.name = options.name;
    this.events = options.events ?? new EventLog();
    this.addressing = options.addressing ?? 'l2';
    this.#logDir = logDir(this.name);
  }

  get running(): boolean {
    return this.#running;
  }

  // ---- declaring (and, while running, adding) -------------------------------------------

  #declare(name: string): { seq: number; tag: string } {
    checkNodeName(name);
    if (this.#entries.has(name)) throw new P4labError(`network ${this.name} already has a node named ${name}`, 'give every node its own name');
    const seq = ++this.#seq.node;
    return { seq, tag: nodeTag(name, seq, new Set([...this.#entries.values()].map((e) => e.tag))) };
  }

  /**
   * Adds a host; while the network runs, it is created at once (await it
   * before linking it), and a Docker host's image command starts when its
   * first link is in place.
   */
  addHost(name: string, options: HostOptions = {}): Promise<void> {
    if (options.ip !== undefined) checkCidr(`host ${name}`, options.ip);
    if (options.mac !== undefined) checkMac(`host ${name}`, options.mac);
    const backend = options.backend ?? (options.image !== undefined ? 'docker' : 'netns');
    if (backend === 'docker' && options.image === undefined) throw new P4labError(`host ${name}: a Docker host needs an image`, "add image: 'vnf-base' (a recipe in containers/) or another local image");
    if (backend === 'netns' && (options.image ?? options.cpus ?? options.memory ?? options.volumes) !== undefined) {
      throw new P4labError(`host ${name}: image, cpus, memory and volumes need backend: docker`, "add backend: 'docker', or drop those settings");
    }
    const { seq, tag } = this.#declare(name);
    const cmd = typeof options.cmd === 'string' ? ['sh', '-c', options.cmd] : options.cmd;
    const host =
      backend === 'docker'
        ? new DockerHost(this.name, name, this.#logDir, { ...options, image: options.image!, cmd })
        : new NetnsHost(this.name, name, this.#logDir, options.env);
    const entry: HostEntry = { kind: 'host', name, seq, tag, usedPorts: new Set(), hostSeq: ++this.#seq.host, options, host };
    this.#entries.set(name, entry);
    if (!this.#running) return Promise.resolve();
    return this.#createHosts([entry]).then(() => {
      this.events.record('host_add', { host: name });
      this.#saveState();
    });
  }

  /** Adds a P4 switch (before start). */
  addP4Switch(name: string, options: P4SwitchOptions = {}): void {
    this.#requireStopped(`adding switch ${name}`);
    const { seq, tag } = this.#declare(name);
    const switchSeq = ++this.#seq.switch;
    const sw = new P4SwitchNode(this.name, name, switchSeq, options, this.#logDir, this.events);
    this.#entries.set(name, { kind: 'p4switch', name, seq, tag, usedPorts: new Set(), switchSeq, sw, hostsAttached: 0 });
  }

  /** Adds a plain Linux bridge (a learning switch; before start). */
  addBridge(name: string): void {
    this.#requireStopped(`adding bridge ${name}`);
    const { seq, tag } = this.#declare(name);
    this.#entries.set(name, { kind: 'bridge', name, seq, tag, usedPorts: new Set(), ifname: bridgeIfName(this.name, tag) });
  }

  /** Links two nodes; while the network runs, the link is wired at once. */
  addLink(a: string, b: string, options: LinkOptions = {}): Promise<void> {
    const ea = this.#entry(a);
    const eb = this.#entry(b);
    if (a === b) throw new P4labError(`link ${a}-${b}: a node cannot link to itself`, 'link two different nodes');
    const { ports, ...emulation } = options;
    const link = new Link(this.#end(ea, ports?.[0]), this.#end(eb, ports?.[1]), emulation, this, this.events);
    this.#noteGateway(ea, eb, link.a.port, link.b.port);
    this.#noteGateway(eb, ea, link.b.port, link.a.port);
    this.#links.push(link);
    if (!this.#running) return Promise.resolve();
    return this.#wireAtRuntime(link);
  }

  #end(e: Entry, port: number | undefined): LinkEnd {
    const first = e.kind === 'host' ? 0 : 1;
    if (port === undefined) {
      port = first;
      while (e.usedPorts.has(port)) port++;
    } else if (!Number.isInteger(port) || port < first || port > 510 || e.usedPorts.has(port)) {
      throw new P4labError(`${e.name}: port ${port} is ${e.usedPorts.has(port) ? 'already used' : 'not valid'}`, `use a free port from ${first} to 510`);
    }
    e.usedPorts.add(port);
    const ifname = e.kind === 'host' ? `eth${port}` : portIfName(this.name, e.tag, port);
    return { node: e.name, kind: e.kind, port, ifname };
  }

  #noteGateway(e: Entry, peer: Entry, port: number, peerPort: number): void {
    if (e.kind === 'host' && port === 0 && peer.kind === 'p4switch') {
      e.gateway = { switchName: peer.name, hostIndex: ++peer.hostsAttached, port: peerPort };
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------

  /** Creates everything and returns when every switch is programmed and every interface is up. */
  async start(): Promise<void> {
    this.#requireStopped('start');
    const left = await findLeftovers(this.name);
    if (!isEmpty(left)) {
      throw new P4labError(`network ${this.name} already exists or left things behind (${describeLeftovers(left)})`, `stop it with \`p4lab down ${this.name}\` or remove the leftovers with \`p4lab cleanup ${this.name}\``);
    }
    createRunDir(this.name);
    this.#startedAt = new Date().toISOString();
    this.#saveState();
    try {
      await this.#createHosts(this.#hosts());
      await ipBatch('creating bridges', this.#bridges().flatMap((b) => bridgeLines(b.ifname, deviceGroup(this.name))));
      await ipBatch('creating links', this.#links.map((l) => vethLine(this.#vethEnd(l.a), this.#vethEnd(l.b))));
      await ipBatch('configuring switch and bridge ports', this.#links.flatMap((l) => [...this.#rootLines(l.a), ...this.#rootLines(l.b)]));
      for (const h of this.#hosts()) h.addr = this.#address(h);
      // Switches boot while hosts are configured: they need only their ports to exist.
      const shared = this.#startSwitchProcesses();
      await settled([
        ...this.#hosts().map((h) => this.#configureHost(h, this.#hosts())),
        ...this.#switches().map((s) => s.sw.start(this.#switchPorts(s), (m) => this.#fail(m), shared.get(s))),
      ]);
      this.#wired = true;
      await settled(this.#links.filter((l) => Object.keys(l.values).length > 0).map((l) => this.applyEmulation(l, l.values)));
      await settled(this.#hosts().map((h) => (h.host instanceof DockerHost ? h.host.release() : undefined)));
      this.#running = true;
      this.#saveState();
    } catch (err) {
      await this.#teardown();
      this.#startedAt = '';
      throw err;
    }
  }

  /** Stops switches and processes and removes everything the network created. */
  async stop(): Promise<void> {
    if (!this.#startedAt) return; // never started: a network of the same name is someone else's
    await this.#teardown();
    this.#running = false;
    this.#startedAt = '';
  }

  /**
   * Leaves the network running without this process: closes the switch
   * connections so the process can exit (`p4lab up` does this). Use the CLI
   * (`p4lab exec`, `inspect`, `down`) on it afterwards.
   */
  async detach(): Promise<void> {
    await Promise.all(this.#switches().map((s) => s.sw.disconnect()));
    this.#running = false;
  }

  async #teardown(): Promise<void> {
    // Every connection closes before any process is stopped: a process hosting
    // several switches would otherwise wait for its other devices' clients.
    await Promise.all(this.#switches().map((s) => s.sw.disconnect()));
    await Promise.all(this.#switches().map((s) => s.sw.stop()));
    await cleanup(this.name);
    this.#wired = false;
  }

  #requireStopped(what: string): void {
    if (this.#running) throw new P4labError(`network ${this.name} is running: ${what} must come before start()`, 'stop the network, change it, and start it again');
  }

  #fail(message: string): void {
    this.failures.push(message);
    if (this.#failureListeners.length === 0) console.error(`p4lab: network ${this.name}: ${message}`);
    for (const l of this.#failureListeners) l(message);
  }

  /** Calls `listener` for every failure no call could return (e.g. a switch process died). */
  onFailure(listener: (message: string) => void): void {
    this.#failureListeners.push(listener);
  }

  // ---- wiring -------------------------------------------------------------------------

  async #createHosts(hosts: HostEntry[]): Promise<void> {
    await ipBatch('creating host namespaces', hosts.flatMap((h) => (h.host instanceof NetnsHost ? h.host.createLines() : [])));
    await settled(hosts.map((h) => (h.host instanceof DockerHost ? h.host.create() : undefined)));
  }

  #vethEnd(end: LinkEnd): VethEnd {
    const e = this.#entry(end.node);
    if (e.kind !== 'host') return { ifname: end.ifname };
    return { ifname: end.ifname, netns: e.host instanceof NetnsHost ? e.host.namespace : e.host.pid };
  }

  /** Root-namespace configuration of a switch or bridge end. */
  #rootLines(end: LinkEnd): string[] {
    const e = this.#entry(end.node);
    if (e.kind === 'host') return [];
    const group = deviceGroup(this.name);
    if (e.kind === 'bridge') return interfaceLines(end.ifname, { master: e.ifname, group, up: true });
    return interfaceLines(end.ifname, { mac: portMac(networkId(this.name), 'switch', e.switchSeq, end.port), group, up: true });
  }

  #address(h: HostEntry): HostAddress | undefined {
    if (h.usedPorts.size === 0) return undefined;
    const g = h.gateway;
    const gsw = g && (this.#entry(g.switchName) as SwitchEntry);
    return assignAddress(this.addressing, {
      name: h.name,
      seq: h.hostSeq,
      ...(h.options.ip ? { ip: h.options.ip } : {}),
      ...(h.options.mac ? { mac: h.options.mac } : {}),
      ...(g && gsw ? { gateway: { switchSeq: gsw.switchSeq, hostIndex: g.hostIndex, portMac: portMac(networkId(this.name), 'switch', gsw.switchSeq, g.port) } } : {}),
    });
  }

  /** Interfaces, address, default route and static ARP for `h`, knowing `peers`. */
  async #configureHost(h: HostEntry, peers: HostEntry[]): Promise<void> {
    const lines = ['link set dev lo up'];
    const noOffload: string[] = [];
    const id = networkId(this.name);
    for (const l of this.#linksOf(h.name)) {
      const end = l.a.node === h.name ? l.a : l.b;
      noOffload.push(end.ifname);
      const primary = end.port === 0 && h.addr;
      lines.push(...interfaceLines(end.ifname, { mac: primary ? h.addr!.mac : portMac(id, 'host', h.seq, end.port), ...(primary ? { ip: h.addr!.ip } : {}), up: l.isUp }));
    }
    if (h.addr?.ip) {
      if (h.addr.gateway) lines.push(neighborLine('eth0', h.addr.gateway.ip, h.addr.gateway.mac), `route replace default via ${h.addr.gateway.ip} dev eth0`);
      lines.push(...this.#arpLines(h, peers));
    }
    // A software switch forwards frames as the sender's kernel left them: with
    // checksum offload on, UDP and TCP checksums would arrive unfinished. Off
    // on every host interface, since frames may reach a switch through bridges.
    const script = 'ip -batch - && for i in "$@"; do ethtool -K "$i" tx off >/dev/null; done';
    await run(`host ${h.name}: configuring interfaces`, inNetns(h.host.netnsPath, ['sh', '-c', script, 'sh', ...noOffload]), { input: lines.join('\n') + '\n' });
  }

  /** Static ARP entries on `h` for every peer in its subnet. */
  #arpLines(h: HostEntry, peers: HostEntry[]): string[] {
    return peers.filter((p) => p !== h && p.addr?.ip && sameSubnet(h.addr!.ip!, p.addr.ip)).map((p) => neighborLine('eth0', p.addr!.ip!, p.addr!.mac));
  }

  /** Packs p4lab's switches into a few processes, each hosting several devices (BMv2 runs one process per switch). */
  #startSwitchProcesses(): Map<SwitchEntry, SharedSwitchProcess> {
    const shared = new Map<SwitchEntry, SharedSwitchProcess>();
    pack(this.#switches().filter((s) => !s.sw.isBmv2), this.#switchProcesses).forEach((group, i) => {
      const proc = SharedSwitchProcess.start(this.name, String(i + 1), group.map((s) => s.sw.device(this.#switchPorts(s))), this.#logDir);
      for (const s of group) shared.set(s, proc);
    });
    return shared;
  }

  #switchPorts(s: SwitchEntry): Map<number, string> {
    const ports = new Map<number, string>();
    for (const l of this.#linksOf(s.name)) for (const end of [l.a, l.b]) if (end.node === s.name) ports.set(end.port, end.ifname);
    return ports;
  }

  async #wireAtRuntime(link: Link): Promise<void> {
    await ipBatch(`link ${link.label}`, [vethLine(this.#vethEnd(link.a), this.#vethEnd(link.b)), ...this.#rootLines(link.a), ...this.#rootLines(link.b)]);
    for (const end of [link.a, link.b]) {
      const e = this.#entry(end.node);
      if (e.kind === 'p4switch') await e.sw.addPort(end.port, end.ifname);
      if (e.kind !== 'host') continue;
      const newAddress = end.port === 0;
      if (newAddress) e.addr = this.#address(e);
      await this.#configureHost(e, this.#hosts());
      if (newAddress && e.addr?.ip) {
        // Every host in the new host's subnet learns it, so its first packets are answered.
        await Promise.all(this.#hosts().filter((p) => p !== e && p.addr?.ip).map((p) => ipBatch(`host ${p.name}: static ARP`, this.#arpLines(p, [e]), p.host.netnsPath)));
      }
      if (e.host instanceof DockerHost) await e.host.release();
    }
    if (Object.keys(link.values).length > 0) await this.applyEmulation(link, link.values);
    this.#saveState();
  }

  /** Removes a host and its links while the network runs. */
  async removeHost(name: string): Promise<void> {
    const h = this.#entry(name);
    if (h.kind !== 'host') throw new P4labError(`${name} is a ${h.kind}, not a host`, 'removeHost removes hosts only');
    for (const l of this.#linksOf(name)) {
      const other = l.a.node === name ? l.b : l.a;
      const e = this.#entry(other.node);
      if (this.#running && e.kind === 'p4switch') await e.sw.removePort(other.port);
      e.usedPorts.delete(other.port); // its veth goes with the host's namespace
      this.#links.splice(this.#links.indexOf(l), 1);
    }
    if (this.#running) {
      await h.host.destroy();
      if (h.addr?.ip) {
        const ip = h.addr.ip.split('/')[0];
        await Promise.all(this.#hosts().filter((p) => p !== h && p.addr?.ip && sameSubnet(p.addr.ip, h.addr!.ip!)).map((p) => runRaw(inNetns(p.host.netnsPath, ['ip', 'neigh', 'del', ip!, 'dev', 'eth0']))));
      }
      this.events.record('host_remove', { host: name });
    }
    this.#entries.delete(name);
    if (this.#running) this.#saveState();
  }

  // ---- link emulation (LinkDriver) -----------------------------------------------------

  /**
   * Applies settings to the wire. Switch ends: the switch port's transmit
   * side, and its receive side too when the other end is not a P4 switch, so
   * every link to a switch is emulated in both directions. Other ends: tbf
   * rate limit on each end.
   */
  async applyEmulation(link: Link, v: EmulationValues): Promise<void> {
    if (!this.#wired) return; // start() applies it
    const viaSwitch = link.a.kind === 'p4switch' || link.b.kind === 'p4switch';
    for (const end of [link.a, link.b]) {
      const e = this.#entry(end.node);
      if (e.kind === 'p4switch') await e.sw.setPortEmulation(end.port, v, (end === link.a ? link.b : link.a).kind !== 'p4switch');
      else if (!viaSwitch) await this.#tc(e, end, tbfArgv(end.ifname, v));
    }
  }

  async #tc(e: Entry, end: LinkEnd, argv: string[]): Promise<void> {
    const full = inNetns(e.kind === 'host' ? e.host.netnsPath : undefined, argv);
    // Deleting a qdisc that is not there is not an error for us.
    if (argv[2] === 'del') await runRaw(full);
    else await run(`link ${end.node}:${end.ifname}: rate limit`, full);
  }

  async setUp(link: Link, up: boolean): Promise<void> {
    for (const end of [link.a, link.b]) {
      const e = this.#entry(end.node);
      const argv = inNetns(e.kind === 'host' ? e.host.netnsPath : undefined, ['ip', 'link', 'set', 'dev', end.ifname, up ? 'up' : 'down']);
      await run(`link ${link.label}: ${up ? 'up' : 'down'}`, argv);
    }
  }

  changed(): void {
    if (this.#running) this.#saveState();
  }

  // ---- lookups and the topology view ------------------------------------------------------

  #entry(name: string): Entry {
    const e = this.#entries.get(name);
    if (!e) throw new P4labError(`network ${this.name} has no node named ${name}`, `nodes are: ${[...this.#entries.keys()].join(', ') || '(none)'}`);
    return e;
  }

  #hosts(): HostEntry[] {
    return [...this.#entries.values()].filter((e): e is HostEntry => e.kind === 'host');
  }

  #switches(): SwitchEntry[] {
    return [...this.#entries.values()].filter((e): e is SwitchEntry => e.kind === 'p4switch');
  }

  #bridges(): BridgeEntry[] {
    return [...this.#entries.values()].filter((e): e is BridgeEntry => e.kind === 'bridge');
  }

  #linksOf(name: string): Link[] {
    return this.#links.filter((l) => l.a.node === name || l.b.node === name);
  }

  host(name: string): Host {
    const e = this.#entry(name);
    if (e.kind !== 'host') throw new P4labError(`${name} is a ${e.kind}, not a host`, 'use net.switch(name) for switches');
    return e.host;
  }

  /** The host's address (with prefix length), once the network runs. */
  ipOf(name: string): string | undefined {
    const e = this.#entry(name);
    return e.kind === 'host' ? e.addr?.ip?.split('/')[0] : undefined;
  }

  /** The host's address, MAC and (l3/mixed, on a P4 switch) gateway, once assigned. */
  addressOf(name: string): HostAddress | undefined {
    const e = this.#entry(name);
    return e.kind === 'host' ? e.addr : undefined;
  }

  macOf(name: string): string | undefined {
    const e = this.#entry(name);
    return e.kind === 'host' ? e.addr?.mac : undefined;
  }

  switch(name: string): P4SwitchNode {
    const e = this.#entry(name);
    if (e.kind !== 'p4switch') throw new P4labError(`${name} is a ${e.kind}, not a P4 switch`, 'use net.host(name) for hosts');
    return e.sw;
  }

  link(a: string, b: string): Link {
    const l = this.#links.find((x) => x.joins(a, b));
    if (!l) throw linkNotFound(a, b);
    return l;
  }

  get links(): readonly Link[] {
    return this.#links;
  }

  get view(): TopologyView {
    return new TopologyView(
      [...this.#entries.values()].map((e) => ({ name: e.name, kind: e.kind as NodeKind })),
      this.#links.map((l) => ({ a: l.a.node, b: l.b.node, portA: l.a.port, portB: l.b.port })),
    );
  }

  portOf(node: string, peer: string): number {
    return this.view.portOf(node, peer);
  }

  neighbors(node: string): string[] {
    return this.view.neighbors(node);
  }

  shortestPath(from: string, to: string): string[] | undefined {
    return this.view.shortestPath(from, to);
  }

  /**
   * A drawing of the network (SVG), with switch and bridge port numbers and
   * link settings; in a notebook: tslab.display.html(net.svg()).
   */
  svg(): string {
    const nodes = Object.fromEntries(
      [...this.#entries.values()].map((e): [string, NodeSpec] => [e.name, e.kind === 'host' ? { kind: 'host', backend: e.host.backend } : { kind: e.kind }]),
    );
    const end = (x: LinkEnd): string => (x.kind === 'host' ? x.node : `${x.node}:${x.port}`);
    return topologySvg({ name: this.name, nodes, links: this.#links.map((l) => ({ endpoints: [end(l.a), end(l.b)], ...l.settings })) });
  }

  // ---- state for the CLI --------------------------------------------------------------------

  #saveState(): void {
    const nodes = [...this.#entries.values()].map((e): NodeState => {
      if (e.kind === 'bridge') return { name: e.name, kind: 'bridge' };
      if (e.kind === 'p4switch') return { name: e.name, kind: 'p4switch', deviceId: e.switchSeq, ...(e.sw.pid ? { pid: e.sw.pid, grpc: e.sw.grpcAddress, log: e.sw.logFile } : {}) };
      const h = e.host;
      return {
        name: e.name,
        kind: 'host',
        backend: h.backend,
        ...(h instanceof NetnsHost ? { namespace: h.namespace } : h.pid ? { containerId: h.containerId, pid: h.pid } : {}),
        ...(e.addr?.ip ? { ip: e.addr.ip } : {}),
        ...(e.addr ? { mac: e.addr.mac } : {}),
      };
    });
    writeState({ name: this.name, pid: process.pid, started: this.#startedAt, nodes, links: this.#links.map((l) => l.toState()) });
  }
}
