// The network as a graph for controllers and notebooks: which node is next to
// which, on what port, and the shortest paths between nodes (p4-utils'
// topology database, without the database).
import { P4labError } from '../errors.js';

export type NodeKind = 'host' | 'p4switch' | 'bridge';

export interface ViewNode {
  name: string;
  kind: NodeKind;
}

export interface ViewLink {
  a: string;
  b: string;
  /** Port numbers: switch/bridge port, or interface index N of a host's ethN. */
  portA: number;
  portB: number;
}

export class TopologyView {
  constructor(
    readonly nodes: readonly ViewNode[],
    readonly links: readonly ViewLink[],
  ) {}

  #node(name: string): ViewNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new P4labError(`no node named ${name}`, `nodes are: ${this.nodes.map((x) => x.name).join(', ')}`);
    return n;
  }

  /** Nodes linked to `name`, in link order. */
  neighbors(name: string): string[] {
    this.#node(name);
    return this.links.flatMap((l) => (l.a === name ? [l.b] : l.b === name ? [l.a] : []));
  }

  /** The port of `node` that faces `peer` (the first, when several links join them). */
  portOf(node: string, peer: string): number {
    this.#node(node);
    this.#node(peer);
    for (const l of this.links) {
      if (l.a === node && l.b === peer) return l.portA;
      if (l.b === node && l.a === peer) return l.portB;
    }
    throw new P4labError(`${node} and ${peer} are not linked`, `neighbors of ${node}: ${this.neighbors(node).join(', ') || '(none)'}`);
  }

  /**
   * Every shortest path from `from` to `to` (breadth-first), each as the list
   * of node names. Hosts are endpoints only: paths never pass through a host.
   */
  shortestPaths(from: string, to: string): string[][] {
    this.#node(from);
    this.#node(to);
    const dist = new Map<string, number>([[from, 0]]);
    const preds = new Map<string, string[]>();
    const queue = [from];
    while (queue.length) {
      const cur = queue.shift()!;
      if (cur === to) break;
      if (cur !== from && this.#node(cur).kind === 'host') continue;
      for (const nb of this.neighbors(cur)) {
        const d = dist.get(cur)! + 1;
        if (!dist.has(nb)) {
          dist.set(nb, d);
          preds.set(nb, [cur]);
          queue.push(nb);
        } else if (dist.get(nb) === d && !preds.get(nb)!.includes(cur)) {
          preds.get(nb)!.push(cur);
        }
      }
    }
    if (!dist.has(to)) return [];
    const expand = (n: string): string[][] => (n === from ? [[from]] : preds.get(n)!.flatMap((p) => expand(p).map((path) => [...path, n])));
    return expand(to);
  }

  /** One shortest path (the first found), or undefined when none exists. */
  shortestPath(from: string, to: string): string[] | undefined {
    return this.shortestPaths(from, to)[0];
  }
}
