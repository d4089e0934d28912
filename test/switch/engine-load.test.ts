// Loading programs: bad BMv2 JSON is refused with an error naming the JSON
// path and the problem, and leaves the running program untouched.
import { describe, expect, it } from 'vitest';
import type { Bmv2Json } from '../../kernel-lib/bmv2/json-format.js';
import { P4labError } from '../../kernel-lib/errors.js';
import { Dataplane } from '../../kernel-lib/switch/engine/dataplane.js';
import { capture, fixture, ipv4Packet } from './engine-packets.js';

function loadError(input: Bmv2Json | string | Uint8Array): P4labError {
  try {
    new Dataplane().verifyProgram(input);
  } catch (e) {
    expect(e).toBeInstanceOf(P4labError);
    return e as P4labError;
  }
  throw new Error('the program was accepted');
}

function broken(edit: (j: Bmv2Json) => void): Bmv2Json {
  const j = fixture('ipv4_router');
  edit(j);
  return j;
}

describe('engine: loading programs', () => {
  it('accepts text, bytes and objects', () => {
    const j = fixture('ipv4_router');
    const dp = new Dataplane();
    dp.verifyProgram(JSON.stringify(j));
    dp.verifyProgram(new TextEncoder().encode(JSON.stringify(j)));
    dp.loadProgram(j);
    expect(dp.program?.program).toBe('ipv4_router.p4');
  });

  it('names the JSON path and the problem', () => {
    const cases: Array<[Bmv2Json | string, RegExp]> = [
      ['table_add MyIngress.ipv4_lpm', /^BMv2 JSON \(document\): not JSON/],
      ['', /\(document\): empty program/],
      [broken((j) => (j.__meta__.version = [3, 0])), /__meta__\.version: unsupported format version \[3,0\]/],
      [broken((j) => delete (j as Partial<Bmv2Json>).pipelines), /pipelines: missing/],
      [broken((j) => (j.pipelines[0]!.conditionals[0]!.true_next = 'foo')), /pipelines\[0\]\.conditionals\[0\]\.true_next: unknown node "foo"/],
      [broken((j) => (j.pipelines[0]!.tables[0]!.next_tables['MyIngress.drop'] = 'foo')), /pipelines\[0\]\.tables\[0\]\.next_tables\["MyIngress\.drop"\]: unknown node "foo"/],
      [broken((j) => ((j.parsers[0]!.parse_states[0]!.parser_ops[0]!.parameters[0] as { value: string }).value = 'eth')), /parsers\[0\]\.parse_states\[0\]\.parser_ops\[0\]\.parameters\[0\]\.value: unknown header "eth"/],
      [broken((j) => (j.parsers[0]!.parse_states[0]!.transitions[0]!.next_state = 'nowhere')), /parsers\[0\]\.parse_states\[0\]\.transitions\[0\]\.next_state: unknown parse state "nowhere"/],
      [broken((j) => (j.actions[2]!.primitives[1]!.parameters[1] = { type: 'field', value: ['ethernet', 'src'] })), /actions\[2\]\.primitives\[1\]\.parameters\[1\]\.value: header "ethernet" has no field "src"/],
      [broken((j) => (j.actions[2]!.primitives[0]!.op = 'frobnicate')), /actions\[2\]\.primitives\[0\]\.op: unknown primitive "frobnicate"/],
      [broken((j) => (j.pipelines[0]!.tables[0]!.default_entry!.action_id = 99)), /pipelines\[0\]\.tables\[0\]\.default_entry\.action_id: unknown action id 99/],
      [broken((j) => (j.calculations[0]!.algo = 'md5')), /calculations\[0\]\.algo: hash algorithm "md5" is not supported/],
      [broken((j) => (j.headers[3]!.header_type = 'ipv6_t')), /headers\[3\]\.header_type: unknown header type "ipv6_t"/],
      [broken((j) => (j.pipelines[0]!.tables[0]!.base_default_next = 'node_2')), /pipelines\[0\]: the control flow loops: MyIngress\.ipv4_lpm -> node_2 -> MyIngress\.ipv4_lpm/],
    ];
    for (const [input, message] of cases) {
      const e = loadError(input);
      expect(e.message).toMatch(message);
      expect(e.hint).toBeTruthy();
    }
  });

  it('leaves the running program in place when a load fails', () => {
    const dp = new Dataplane();
    dp.loadProgram(fixture('port_forward'));
    const out = capture(dp);
    expect(() => dp.loadProgram('{')).toThrow(P4labError);
    expect(() => dp.saveProgram(broken((j) => (j.actions[0]!.primitives = [{ op: 'nope', parameters: [] }])))).toThrow(P4labError);
    expect(dp.savedProgram).toBeUndefined();
    dp.receive(1, ipv4Packet());
    expect(out.map((o) => o.port)).toEqual([2]);
  });
});
