// Topology files: a good one loads into the spec the Network is built from;
// bad ones give errors naming the file, line:column, the path and the fix.
import { describe, expect, it } from 'vitest';
import { P4labError } from '../../kernel-lib/errors.js';
import { topologySvg } from '../../kernel-lib/emulation/graph.js';
import { networkFromTopology, parseTopology } from '../../kernel-lib/emulation/topology-file.js';

const GOOD = `
name: lab1
addressing: l3
nodes:
  h1: { kind: host }
  h2: { kind: host, backend: docker, image: vnf-base, cpus: 0.5, memory: 256m, cmd: [python3, /nf.py] }
  s1: { kind: p4switch, program: p4/l2_forwarder.p4, commands: s1.txt, cpu_port: 255 }
  b1: { kind: bridge }
links:
  - endpoints: [h1, "s1:3"]
    delay: 10ms
    loss: 1%
  - endpoints: [h2, s1]
  - endpoints: [s1, b1]
    rate: 10Mbit
`;

function errorOf(text: string): string {
  try {
    parseTopology(text, '/labs/topo.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(P4labError);
    return (e as P4labError).message;
  }
  throw new Error('expected the topology to be refused');
}

describe('topology files', () => {
  it('loads a good file, resolving paths against its directory', () => {
    const spec = parseTopology(GOOD, '/labs/topo.yaml');
    expect(spec.name).toBe('lab1');
    expect(spec.addressing).toBe('l3');
    expect(spec.nodes.s1).toEqual({ kind: 'p4switch', program: '/labs/p4/l2_forwarder.p4', commands: '/labs/s1.txt', cpuPort: 255 });
    expect(spec.nodes.h2).toMatchObject({ kind: 'host', backend: 'docker', image: 'vnf-base', cpus: 0.5, memory: '256m' });
    expect(spec.links[0]).toEqual({ endpoints: ['h1', 's1:3'], delay: '10ms', loss: '1%' });
  });

  it('builds the network it describes, with pinned ports', () => {
    const net = networkFromTopology(parseTopology(GOOD, '/labs/topo.yaml'));
    expect(net.portOf('s1', 'h1')).toBe(3);
    expect(net.portOf('s1', 'h2')).toBe(1);
    expect(net.link('s1', 'b1').settings).toEqual({ rate: '10Mbit' });
  });

  it('reads JSON too', () => {
    const spec = parseTopology(JSON.stringify({ name: 'j1', nodes: { h1: { kind: 'host' }, h2: { kind: 'host' } }, links: [{ endpoints: ['h1', 'h2'] }] }), 'topo.json');
    expect(Object.keys(spec.nodes)).toEqual(['h1', 'h2']);
  });

  it('names the line, column, path and fix of an unknown node in a link', () => {
    const msg = errorOf(GOOD.replace('[h2, s1]', '[h2, s9]'));
    expect(msg).toContain('/labs/topo.yaml:13:21: links[1].endpoints[1]: no node named "s9"');
    expect(msg).toContain('fix: declare it under nodes, or use one of h1, h2, s1, b1');
  });

  it('positions a bad link setting and a bad node kind, listing every error', () => {
    const msg = errorOf(GOOD.replace('delay: 10ms', 'delay: 10 parsecs').replace('kind: bridge', 'kind: router'));
    expect(msg).toMatch(/topology has 2 error\(s\)/);
    expect(msg).toContain('/labs/topo.yaml:8:15: nodes.b1.kind: kind "router" is not valid');
    expect(msg).toContain('/labs/topo.yaml:11:12: links[0].delay: delay "10 parsecs" is not valid');
  });

  it('refuses unknown settings and docker hosts without an image', () => {
    const msg = errorOf('name: x\nnodes:\n  h1: { kind: host, backend: docker, colour: red }\n');
    expect(msg).toContain('nodes.h1.colour: unknown host setting "colour"');
    expect(msg).toContain('nodes.h1: a docker host needs an image');
  });

  it('reports YAML syntax errors with their position', () => {
    expect(() => parseTopology('name: x\nnodes: {h1: [\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+:\d+: not valid YAML\/JSON/);
  });

  it('draws the topology as SVG', () => {
    const svg = topologySvg(parseTopology(GOOD, '/labs/topo.yaml'));
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const n of ['h1', 'h2', 's1', 'b1']) expect(svg).toContain(`>${n}</text>`);
    expect(svg).toContain('>10ms loss 1%</text>');
    expect(svg.match(/<line /g)).toHaveLength(3);
    expect(topologySvg(parseTopology(GOOD, '/labs/topo.yaml'))).toBe(svg); // deterministic
  });
});
