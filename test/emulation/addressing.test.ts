// Automatic addresses in p4-utils' three strategies, names within Linux's
// 15-character limit, and the topology view's paths.
import { describe, expect, it } from 'vitest';
import { assignAddress, portMac, sameSubnet } from '../../kernel-lib/emulation/addressing.js';
import { IFNAME_MAX, namespaceName, namespaceNetwork, nodeTag, portIfName } from '../../kernel-lib/emulation/naming.js';
import { TopologyView } from '../../kernel-lib/emulation/topology-view.js';

describe('addressing strategies', () => {
  const gateway = { switchSeq: 3, hostIndex: 2, portMac: '06:00:01:03:00:02' };

  it('l2: one 10.0.0.0/16 subnet, MAC spelling the address', () => {
    expect(assignAddress('l2', { name: 'h7', seq: 7, gateway })).toEqual({ ip: '10.0.0.7/16', mac: '00:00:0a:00:00:07' });
    expect(assignAddress('l2', { name: 'h300', seq: 300 }).ip).toBe('10.0.1.46/16');
  });

  it('mixed: a /24 per switch with the gateway at .254', () => {
    expect(assignAddress('mixed', { name: 'h1', seq: 1, gateway })).toEqual({
      ip: '10.3.1.2/24',
      mac: '00:00:0a:03:01:02',
      gateway: { ip: '10.3.1.254', mac: '06:00:01:03:00:02' },
    });
  });

  it('l3: a /24 per host with the switch port as gateway', () => {
    expect(assignAddress('l3', { name: 'h1', seq: 1, gateway })).toEqual({
      ip: '10.3.2.2/24',
      mac: '00:00:0a:03:02:02',
      gateway: { ip: '10.3.2.1', mac: '06:00:01:03:00:02' },
    });
  });

  it('keeps addresses given explicitly, and hosts off switches use l2', () => {
    expect(assignAddress('l3', { name: 'h1', seq: 1, ip: '192.168.0.9/24', mac: '02:aa:bb:cc:dd:ee' })).toEqual({ ip: '192.168.0.9/24', mac: '02:aa:bb:cc:dd:ee' });
    expect(assignAddress('l3', { name: 'h2', seq: 2 }).ip).toBe('10.0.0.2/16');
  });

  it('compares subnets and builds port MACs', () => {
    expect(sameSubnet('10.0.0.1/16', '10.0.3.4/16')).toBe(true);
    expect(sameSubnet('10.3.1.2/24', '10.3.2.2/24')).toBe(false);
    expect(portMac('ab12', 'switch', 5, 300)).toBe('06:ab:12:05:01:2c');
  });
});

describe('names', () => {
  it('keep interface names within 15 characters and namespaces parseable', () => {
    const taken = new Set<string>();
    const long = nodeTag('aggregation-switch-7', 42, taken);
    expect(long).toBe('n16');
    expect(portIfName('a-long-network-name', long, 510).length).toBeLessThanOrEqual(IFNAME_MAX);
    expect(nodeTag('s1', 1, taken)).toBe('s1');
    expect(namespaceNetwork(namespaceName('lab-1', 'h1'))).toBe('lab-1');
    expect(namespaceNetwork('p4lab.not.a.p4lab.ns')).toBeUndefined();
    expect(namespaceNetwork('other')).toBeUndefined();
  });
});

describe('topology view', () => {
  // Two equal-cost paths h1-s1-{s2|s3}-s4-h2, and a host that is no transit.
  const view = new TopologyView(
    ['h1', 'h2', 'h3', 's1', 's2', 's3', 's4'].map((name) => ({ name, kind: name.startsWith('h') ? ('host' as const) : ('p4switch' as const) })),
    [['h1', 's1'], ['s1', 's2'], ['s1', 's3'], ['s2', 's4'], ['s3', 's4'], ['s4', 'h2'], ['s1', 'h3'], ['h3', 's4']].map(([a, b], i) => ({ a: a!, b: b!, portA: i, portB: i + 100 })),
  );

  it('finds every shortest path, never through a host', () => {
    expect(view.shortestPaths('h1', 'h2')).toEqual([
      ['h1', 's1', 's2', 's4', 'h2'],
      ['h1', 's1', 's3', 's4', 'h2'],
    ]);
  });

  it('answers ports and neighbors, and names unknown nodes', () => {
    expect(view.portOf('s4', 'h2')).toBe(5);
    expect(view.portOf('h2', 's4')).toBe(105);
    expect(view.neighbors('s1')).toEqual(['h1', 's2', 's3', 'h3']);
    expect(() => view.portOf('s2', 's3')).toThrow('s2 and s3 are not linked');
    expect(() => view.neighbors('s9')).toThrow('no node named s9');
  });
});
