// The topologies of the reproduced experiments, declared on a Network
// (not started). Addressing is l3: each host in its own /24 behind its
// switch port, so every hop is routed by the switches' ipv4_lpm.
import { Network } from '../emulation/network.js';
import type { EventLog } from '../events/index.js';

export interface TopologyOptions {
  /** The network's name (unique among running networks). */
  name: string;
  events?: EventLog;
}

/**
 * P4NFV's three tiers (Fig. 6): H1 and H2 on access switch S1, H3 on S2;
 * S1 and S2 each link to aggregation switches S3 and S4; both link to S5,
 * which serves core host H4. Links are declared S3 before S4, so the
 * shortest path H1→H4 the routes follow is S1-S3-S5.
 */
export function threeTierTopology(options: TopologyOptions): Network {
  const net = new Network({ name: options.name, addressing: 'l3', ...(options.events ? { events: options.events } : {}) });
  for (const s of ['s1', 's2', 's3', 's4', 's5']) net.addP4Switch(s);
  for (const h of ['h1', 'h2', 'h3', 'h4']) net.addHost(h);
  void net.addLink('h1', 's1');
  void net.addLink('h2', 's1');
  void net.addLink('h3', 's2');
  for (const [a, b] of [['s1', 's3'], ['s1', 's4'], ['s2', 's3'], ['s2', 's4'], ['s3', 's5'], ['s4', 's5']] as const) void net.addLink(a, b);
  void net.addLink('h4', 's5');
  return net;
}

/** He et al.'s two forwarding nodes: senders h1 (F_A) and h2 (F_B) on s1, receiver h3 on s2. */
export function twoNodeTopology(options: TopologyOptions): Network {
  const net = new Network({ name: options.name, addressing: 'l3', ...(options.events ? { events: options.events } : {}) });
  net.addP4Switch('s1');
  net.addP4Switch('s2');
  for (const h of ['h1', 'h2', 'h3']) net.addHost(h);
  void net.addLink('h1', 's1');
  void net.addLink('h2', 's1');
  void net.addLink('s1', 's2');
  void net.addLink('h3', 's2');
  return net;
}
