// The part of a manifest that describes a network: nodes with their backends,
// links with their final settings, and the P4 sources its switches ran.
import path from 'node:path';
import type { Network } from '../emulation/index.js';
import type { Manifest, ManifestLink, ManifestNode, ManifestTable } from './manifest.js';
import { repoRelative } from './environment.js';

export interface NetworkDescription {
  backend: Manifest['backend'];
  topology: NonNullable<Manifest['topology']>;
  /** Absolute paths of the .p4 sources switches were given. */
  programs: string[];
}

export function describeNetwork(net: Network): NetworkDescription {
  const programs: string[] = [];
  const switches = new Set<string>();
  const hosts = new Set<string>();
  const nodes = net.view.nodes.map((n): ManifestNode => {
    if (n.kind === 'p4switch') {
      const sw = net.switch(n.name);
      const target = sw.options.target ?? 'p4lab';
      switches.add(target);
      const program = sw.options.program;
      if (typeof program === 'string' && program.endsWith('.p4')) programs.push(path.resolve(program));
      return { name: n.name, kind: n.kind, backend: target, ...(typeof program === 'string' ? { program: repoRelative(program) } : {}) };
    }
    if (n.kind === 'host') {
      const backend = net.host(n.name).backend;
      hosts.add(backend);
      const ip = net.ipOf(n.name);
      return { name: n.name, kind: n.kind, backend, ...(ip ? { ip } : {}) };
    }
    return { name: n.name, kind: n.kind };
  });
  const links = net.links.map((l): ManifestLink => ({
    a: l.a.node,
    b: l.b.node,
    portA: l.a.port,
    portB: l.b.port,
    settings: Object.fromEntries(Object.entries(l.settings).filter(([, v]) => v !== undefined && v !== null)) as Record<string, string | number>,
  }));
  return { backend: { switches: [...switches], hosts: [...hosts] }, topology: { name: net.name, nodes, links }, programs };
}

/** JSON for entries read back from a switch: bigints as hex strings. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v)));
}

/** Every entry of every table of the network's running switches, read back over P4Runtime. */
export async function snapshotTables(net: Network): Promise<ManifestTable[]> {
  if (!net.running) return [];
  const out: ManifestTable[] = [];
  for (const n of net.view.nodes.filter((x) => x.kind === 'p4switch')) {
    const client = net.switch(n.name).client;
    for (const t of client.index.tables.items) {
      const entries = await client.table(t.preamble.name).read();
      if (entries.length) out.push({ switch: n.name, table: t.preamble.name, entries: entries.map(plain) as Record<string, unknown>[] });
    }
  }
  return out;
}
