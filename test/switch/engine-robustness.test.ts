// Bad input never crashes the engine: mutated programs are refused with a
// P4labError (or load), and arbitrary bytes on any port are handled.
import { describe, expect, it } from 'vitest';
import type { Bmv2Json } from '../../kernel-lib/bmv2/json-format.js';
import { P4labError } from '../../kernel-lib/errors.js';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { fixture } from './engine-packets.js';

const FIXTURES = ['port_forward', 'ipv4_router', 'tunnel_stack', 'replication', 'stateful', 'queueing', 'acl', 'expressions', 'parser_ops', 'ipv4_options', 'unions'];

/** A small seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function paths(v: unknown, at: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (v !== null && typeof v === 'object') {
    for (const [k, c] of Object.entries(v)) {
      const p = [...at, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      paths(c, p, out);
    }
  }
  return out;
}

const REPLACEMENTS: unknown[] = [undefined, null, 'x', '0x', -1, 1e9, 3.5, [], {}, true, '1; throw 1', ['a', 'b']];

function mutate(json: Bmv2Json, random: () => number): Bmv2Json {
  const copy = structuredClone(json) as unknown as Record<string | number, unknown>;
  const all = paths(copy);
  const path = all[Math.floor(random() * all.length)]!;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const replacement = REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)];
  if (replacement === undefined) delete parent[path[path.length - 1]!];
  else parent[path[path.length - 1]!] = replacement;
  return copy as unknown as Bmv2Json;
}

function randomPacket(random: () => number): Uint8Array {
  const b = new Uint8Array(Math.floor(random() * 120));
  for (let i = 0; i < b.length; i++) b[i] = random() < 0.3 ? [0x08, 0x00, 0x88, 0x47, 0xb5, 0xfd, 0x45][Math.floor(random() * 7)]! : Math.floor(random() * 256);
  return b;
}

describe('engine: robustness', () => {
  it('refuses mutated programs with a P4labError, and runs the ones it accepts', () => {
    const random = rng(7);
    let refused = 0;
    let loaded = 0;
    for (const name of FIXTURES) {
      const base = fixture(name);
      for (let i = 0; i < 60; i++) {
        const json = mutate(base, random);
        const dp = new Dataplane({ cpuPort: 64 });
        try {
          dp.loadProgram(json);
        } catch (e) {
          if (!(e instanceof P4labError)) throw new Error(`${name} mutation ${i}: ${(e as Error).stack}`);
          refused++;
          continue;
        }
        loaded++;
        for (let k = 0; k < 20; k++) dp.receive(Math.floor(random() * 70), randomPacket(random));
        dp.service();
      }
    }
    expect(refused).toBeGreaterThan(50);
    expect(loaded).toBeGreaterThan(50);
  });

  it('takes arbitrary bytes on any port without throwing', () => {
    const random = rng(11);
    for (const name of FIXTURES) {
      const dp = new Dataplane({ cpuPort: 64 });
      dp.loadProgram(fixture(name));
      dp.multicastGroupSet(7, [{ port: 1, instance: 1 }]);
      dp.cloneSessionSet(5, { replicas: [{ port: 2, instance: 0 }], classOfService: 0, packetLengthBytes: 0 });
      dp.cloneSessionSet(6, { replicas: [{ port: 2, instance: 0 }], classOfService: 0, packetLengthBytes: 0 });
      let out = 0;
      dp.onTransmit(() => out++);
      for (let k = 0; k < 2000; k++) dp.receive(Math.floor(random() * 600) - 40, randomPacket(random));
      dp.receive(1, new Uint8Array(20000));
      dp.receive(1, new Uint8Array(10), 500);
      const s = dp.stats();
      expect(s.drops.pipelineFault).toBe(0);
      expect(s.drops.tooLarge).toBe(1);
      expect(s.drops.badPort).toBeGreaterThan(0);
    }
  });
});
