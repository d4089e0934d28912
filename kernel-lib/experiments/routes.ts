// IPv4 routes of the P4 switches: the ipv4_lpm entries every program of the
// P4NFV experiments shares (set_nhop(src_mac, dst_mac, port), TTL
// decrement), along shortest paths by default or along a path given.
import type { TableEntrySpec } from '../p4runtime/client/table-entry.js';
import type { Network } from '../emulation/network.js';
import { portMac } from '../emulation/addressing.js';
import { networkId } from '../emulation/naming.js';
import { P4labError } from '../errors.js';

/** The MAC of `sw`'s port toward `peer`, as the network assigned it. */
function switchPortMac(net: Network, sw: string, peer: string): string {
  return portMac(networkId(net.name), 'switch', net.switch(sw).deviceId, net.portOf(sw, peer));
}

function kindOf(net: Network, node: string): string | undefined {
  return net.view.nodes.find((n) => n.name === node)?.kind;
}

/** The /32 route on `sw` to host `dst` through neighbour `next`, MACs rewritten for the next hop. */
function hop(net: Network, sw: string, next: string, dst: string): TableEntrySpec {
  const dstMac = kindOf(net, next) === 'p4switch' ? switchPortMac(net, next, sw) : net.macOf(dst)!;
  return {
    match: { dst_addr: `${net.ipOf(dst)}/32` },
    action: 'set_nhop',
    params: { src_mac: switchPortMac(net, sw, next), dst_mac: dstMac, port: net.portOf(sw, next) },
  };
}

/** One /32 route per host, out of the port on the shortest path. */
export function routeEntries(net: Network, sw: string): TableEntrySpec[] {
  const out: TableEntrySpec[] = [];
  for (const node of net.view.nodes) {
    if (node.kind !== 'host' || !net.ipOf(node.name)) continue;
    const path = net.shortestPath(sw, node.name);
    if (path && path.length >= 2) out.push(hop(net, sw, path[1]!, node.name));
  }
  return out;
}

/**
 * The routes that send traffic for the path's last host along `path`
 * (host, switches…, host): one per switch, ordered from the destination
 * back, so that when a switch turns onto the new path the switches after it
 * already follow it.
 */
export function pathRoutes(net: Network, path: readonly string[]): Array<{ sw: string; next: string; entry: TableEntrySpec }> {
  const dst = path.at(-1)!;
  const bad = (what: string): never => {
    throw new P4labError(`path ${path.join('-')}: ${what}`, "give hosts at both ends and linked P4 switches between, e.g. ['h1', 's1', 's4', 's5', 'h4']");
  };
  if (path.length < 3 || kindOf(net, path[0]!) !== 'host' || kindOf(net, dst) !== 'host') bad('it must run from a host to a host through switches');
  const out: Array<{ sw: string; next: string; entry: TableEntrySpec }> = [];
  for (let i = path.length - 2; i >= 1; i--) {
    const sw = path[i]!;
    if (kindOf(net, sw) !== 'p4switch') bad(`${sw} is not a P4 switch`);
    if (!net.neighbors(sw).includes(path[i + 1]!)) bad(`${sw} and ${path[i + 1]} are not linked`);
    out.push({ sw, next: path[i + 1]!, entry: hop(net, sw, path[i + 1]!, dst) });
  }
  return out;
}
