// Topology files (YAML or JSON): the same network as the Network API builds,
// checked once at load. Every error names the file, the line and column, the
// path inside the file, and the fix.
//
//   name: lab1
//   addressing: l2            # l2 | mixed | l3
//   nodes:
//     h1: { kind: host, ip: 10.0.0.1/24 }
//     h2: { kind: host, backend: docker, image: vnf-base }
//     s1: { kind: p4switch, program: p4/l2_forwarder.p4, commands: s1.txt }
//     b1: { kind: bridge }
//   links:
//     - endpoints: [h1, "s1:1"]   # node, or node:port
//       delay: 10ms
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { P4labError } from '../errors.js';
import { STRATEGIES, type AddressingStrategy } from './addressing.js';
import type { LinkEmulation } from './link-params.js';
import { parseEmulation } from './link-params.js';
import { Network, type HostOptions } from './network.js';
import type { P4SwitchOptions } from './switch-node.js';

export type NodeSpec =
  | ({ kind: 'host' } & HostOptions)
  | ({ kind: 'p4switch' } & Omit<P4SwitchOptions, 'program'> & { program?: string })
  | { kind: 'bridge' };

export interface LinkSpec extends LinkEmulation {
  endpoints: [string, string];
}

export interface TopologySpec {
  name: string;
  addressing?: AddressingStrategy;
  nodes: Record<string, NodeSpec>;
  links: LinkSpec[];
  /** The file it came from (paths inside were resolved against its directory). */
  source: string;
}

type Path = (string | number)[];

class Checker {
  readonly errors: string[] = [];
  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Records an error at `path`, positioned at the nearest node that exists. */
  error(path: Path, message: string, fix: string): void {
    let node: unknown;
    for (let n = path.length; n >= 0 && !node; n--) node = path.length === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
    node ??= this.doc.contents;
    const offset = (node as { range?: [number] } | null)?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    const where = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)';
    this.errors.push(`${this.file}:${line}:${col}: ${where}: ${message}\n    fix: ${fix}`);
  }
}

const NODE_KEYS: Record<NodeSpec['kind'], string[]> = {
  host: ['kind', 'ip', 'mac', 'backend', 'image', 'cmd', 'env', 'volumes', 'cpus', 'memory'],
  p4switch: ['kind', 'program', 'target', 'cpu_port', 'commands', 'pcap'],
  bridge: ['kind'],
};
const LINK_KEYS = ['endpoints', 'delay', 'jitter', 'loss', 'rate', 'queue'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads, checks and resolves a topology file; throws one P4labError listing every problem. */
export function loadTopology(file: string): TopologySpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new P4labError(`cannot read topology file ${file}: ${(e as Error).message}`, 'check the path');
  }
  return parseTopology(text, file);
}

export function parseTopology(text: string, file: string): TopologySpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const { line, col } = lines.linePos(e.pos[0]);
    throw new P4labError(`${file}:${line}:${col}: not valid YAML/JSON: ${e.message.split('\n')[0]}`, 'fix the syntax at that place');
  }
  const c = new Checker(file, doc, lines);
  const raw: unknown = doc.toJS();
  const base = dirname(resolve(file));
  const rel = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const spec: TopologySpec = { name: '', nodes: {}, links: [], source: resolve(file) };

  if (!isObject(raw)) {
    c.error([], 'a topology is a mapping with name, nodes and links', 'start from the example in `p4lab up --help`');
    throw fail(c);
  }
  for (const k of Object.keys(raw)) if (!['name', 'addressing', 'nodes', 'links'].includes(k)) c.error([k], `unknown key ${JSON.stringify(k)}`, 'use name, addressing, nodes, links');
  if (typeof raw.name !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,31}$/.test(raw.name)) {
    c.error(['name'], `network name ${JSON.stringify(raw.name)} is missing or not valid`, 'use 1-32 characters: lower-case letters, digits, "-" or "_"');
  } else spec.name = raw.name;
  if (raw.addressing !== undefined) {
    if (!STRATEGIES.includes(raw.addressing as AddressingStrategy)) c.error(['addressing'], `unknown addressing ${JSON.stringify(raw.addressing)}`, `use one of ${STRATEGIES.join(', ')}`);
    else spec.addressing = raw.addressing as AddressingStrategy;
  }

  if (!isObject(raw.nodes) || Object.keys(raw.nodes).length === 0) {
    c.error(['nodes'], 'nodes must be a non-empty mapping of node name to node', 'e.g. nodes: { h1: { kind: host } }');
  } else {
    for (const [name, n] of Object.entries(raw.nodes)) {
      const at: Path = ['nodes', name];
      if (!/^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(name)) c.error(at, `node name ${JSON.stringify(name)} is not valid`, 'use letters, digits, "-" or "_", starting with a letter');
      if (!isObject(n) || !['host', 'p4switch', 'bridge'].includes(n.kind as string)) {
        c.error(isObject(n) ? [...at, 'kind'] : at, `kind ${JSON.stringify(isObject(n) ? n.kind : n)} is not valid`, 'set kind: host, p4switch or bridge');
        continue;
      }
      const kind = n.kind as NodeSpec['kind'];
      for (const k of Object.keys(n)) if (!NODE_KEYS[kind].includes(k)) c.error([...at, k], `unknown ${kind} setting ${JSON.stringify(k)}`, `use ${NODE_KEYS[kind].join(', ')}`);
      spec.nodes[name] = checkNode(c, at, kind, n, rel);
    }
  }

  if (raw.links !== undefined && !Array.isArray(raw.links)) c.error(['links'], 'links must be a list', 'e.g. links: [{ endpoints: [h1, s1] }]');
  const links = Array.isArray(raw.links) ? raw.links : [];
  links.forEach((l, i) => {
    const at: Path = ['links', i];
    if (!isObject(l)) return c.error(at, 'a link is a mapping with endpoints', 'e.g. { endpoints: [h1, s1], delay: 10ms }');
    for (const k of Object.keys(l)) if (!LINK_KEYS.includes(k)) c.error([...at, k], `unknown link setting ${JSON.stringify(k)}`, `use ${LINK_KEYS.join(', ')}`);
    const ends = l.endpoints;
    if (!Array.isArray(ends) || ends.length !== 2 || !ends.every((e) => typeof e === 'string')) {
      return c.error([...at, 'endpoints'], 'endpoints must be two node names', 'e.g. endpoints: [h1, "s1:2"] (node, or node:port)');
    }
    ends.forEach((e: string, j) => {
      const node = e.split(':')[0]!;
      if (isObject(raw.nodes) && !(node in raw.nodes)) c.error([...at, 'endpoints', j], `no node named ${JSON.stringify(node)}`, `declare it under nodes, or use one of ${Object.keys(raw.nodes).join(', ')}`);
      if (e.includes(':') && !/^[^:]+:(eth)?\d+$/.test(e)) c.error([...at, 'endpoints', j], `endpoint ${JSON.stringify(e)} is not valid`, 'write node or node:port (node:ethN for hosts)');
    });
    const { endpoints: _e, ...emulation } = l;
    try {
      parseEmulation(`link ${ends.join('-')}`, emulation as LinkEmulation);
    } catch (err) {
      const key = Object.keys(emulation).find((k) => (err as Error).message.includes(` ${k} `)) ?? Object.keys(emulation)[0];
      c.error(key ? [...at, key] : at, (err as P4labError).message.replace(/^link \S+: /, ''), (err as P4labError).hint ?? 'see the link settings in `p4lab up --help`');
    }
    spec.links.push({ ...(emulation as LinkEmulation), endpoints: [ends[0], ends[1]] });
  });

  if (c.errors.length > 0) throw fail(c);
  return spec;
}

function fail(c: Checker): P4labError {
  const shown = c.errors.slice(0, 10);
  const more = c.errors.length > shown.length ? `\n  … and ${c.errors.length - shown.length} more` : '';
  return new P4labError(`topology has ${c.errors.length} error(s):\n  ${shown.join('\n  ')}${more}`);
}

function checkNode(c: Checker, at: Path, kind: NodeSpec['kind'], n: Record<string, unknown>, rel: (p: string) => string): NodeSpec {
  const str = (k: string, fix: string): string | undefined => {
    if (n[k] === undefined) return undefined;
    if (typeof n[k] !== 'string') c.error([...at, k], `${k} must be a string`, fix);
    return typeof n[k] === 'string' ? (n[k] as string) : undefined;
  };
  if (kind === 'bridge') return { kind };
  if (kind === 'p4switch') {
    const program = str('program', 'give the path of a .p4 or BMv2 .json file');
    const commands = str('commands', 'give the path of a runtime-CLI command file');
    const pcap = str('pcap', 'give a directory for pcap files');
    const target = str('target', 'use p4lab or bmv2');
    if (target !== undefined && target !== 'p4lab' && target !== 'bmv2') c.error([...at, 'target'], `unknown target ${JSON.stringify(target)}`, 'use p4lab or bmv2');
    const cpu = n.cpu_port;
    if (cpu !== undefined && (!Number.isInteger(cpu) || (cpu as number) < 1 || (cpu as number) > 510)) c.error([...at, 'cpu_port'], `cpu_port ${JSON.stringify(cpu)} is not valid`, 'use a port number from 1 to 510 (not 0, not 511)');
    return {
      kind,
      ...(program ? { program: rel(program) } : {}),
      ...(commands ? { commands: rel(commands) } : {}),
      ...(pcap ? { pcap: rel(pcap) } : {}),
      ...(target ? { target: target as 'p4lab' | 'bmv2' } : {}),
      ...(typeof cpu === 'number' ? { cpuPort: cpu } : {}),
    };
  }
  const ip = str('ip', 'write it as 10.0.0.1/24');
  if (ip !== undefined && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(ip)) c.error([...at, 'ip'], `ip ${JSON.stringify(ip)} needs a prefix length`, 'write it as 10.0.0.1/24');
  const mac = str('mac', 'write it as 00:00:0a:00:00:01');
  if (mac !== undefined && !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac)) c.error([...at, 'mac'], `mac ${JSON.stringify(mac)} is not valid`, 'write it as 00:00:0a:00:00:01');
  const backend = str('backend', 'use netns or docker');
  if (backend !== undefined && backend !== 'netns' && backend !== 'docker') c.error([...at, 'backend'], `unknown backend ${JSON.stringify(backend)}`, 'use netns or docker');
  const image = str('image', 'name a recipe in containers/ (e.g. vnf-base) or a local image');
  if (backend === 'docker' && image === undefined) c.error([...at], 'a docker host needs an image', 'add image: vnf-base (a recipe in containers/) or another local image');
  const cmd = n.cmd;
  if (cmd !== undefined && typeof cmd !== 'string' && !(Array.isArray(cmd) && cmd.every((x) => typeof x === 'string'))) c.error([...at, 'cmd'], 'cmd must be a string or a list of strings', 'e.g. cmd: ["python3", "/nf.py"]');
  const env = n.env;
  if (env !== undefined && !(isObject(env) && Object.values(env).every((v) => typeof v === 'string'))) c.error([...at, 'env'], 'env must map names to strings', 'e.g. env: { MODE: "nat" }');
  const volumes = n.volumes;
  if (volumes !== undefined && !(Array.isArray(volumes) && volumes.every((v) => typeof v === 'string' && v.includes(':')))) c.error([...at, 'volumes'], 'volumes must be a list of host:container paths', 'e.g. volumes: ["./nf:/nf:ro"]');
  if (n.cpus !== undefined && !(typeof n.cpus === 'number' && n.cpus > 0)) c.error([...at, 'cpus'], `cpus ${JSON.stringify(n.cpus)} is not valid`, 'give a positive number, e.g. 0.5');
  if (n.memory !== undefined && typeof n.memory !== 'number' && typeof n.memory !== 'string') c.error([...at, 'memory'], 'memory must be bytes or a size', "e.g. memory: 256m");
  return {
    kind,
    ...(ip ? { ip } : {}),
    ...(mac ? { mac } : {}),
    ...(backend ? { backend: backend as 'netns' | 'docker' } : {}),
    ...(image ? { image } : {}),
    ...(cmd !== undefined ? { cmd: cmd as string | string[] } : {}),
    ...(isObject(env) ? { env: env as Record<string, string> } : {}),
    ...(Array.isArray(volumes) ? { volumes: (volumes as string[]).map((v) => (v.startsWith('.') ? rel(v.split(':')[0]!) + v.slice(v.indexOf(':')) : v)) } : {}),
    ...(typeof n.cpus === 'number' ? { cpus: n.cpus } : {}),
    ...(n.memory !== undefined ? { memory: n.memory as number | string } : {}),
  };
}

/** The Network a topology describes, ready to start. */
export function networkFromTopology(spec: TopologySpec): Network {
  const net = new Network({ name: spec.name, ...(spec.addressing ? { addressing: spec.addressing } : {}) });
  for (const [name, n] of Object.entries(spec.nodes)) {
    if (n.kind === 'host') {
      const { kind: _k, ...options } = n;
      void net.addHost(name, options);
    } else if (n.kind === 'p4switch') {
      const { kind: _k, ...options } = n;
      net.addP4Switch(name, options);
    } else net.addBridge(name);
  }
  for (const { endpoints, ...emulation } of spec.links) {
    const [a, pa] = splitEndpoint(endpoints[0]);
    const [b, pb] = splitEndpoint(endpoints[1]);
    void net.addLink(a, b, { ...emulation, ...(pa !== undefined || pb !== undefined ? { ports: [pa, pb] } : {}) });
  }
  return net;
}

function splitEndpoint(e: string): [string, number | undefined] {
  const [node, port] = e.split(':');
  return [node!, port === undefined ? undefined : Number(port.replace(/^eth/, ''))];
}
