// p4c's STF test format (testdata/p4_16_samples/*.stf) → commands, one a
// line. Keywords are case-insensitive, `#` starts a comment; `packet` and
// `expect` take hex data that may be split by spaces, `expect` also `*`
// (any nibble) and a final `$` (exact length).
import { P4labError } from '../errors.js';

export interface StfPlace {
  file: string;
  line: number;
  text: string; // the command as written, comment stripped
}

export interface StfKey {
  name: string;
  value: string; // as written: 0x1f, 0b1*0, 10, 0x0a0000**
  prefixLen?: string; // `/len` of an lpm key
}

export interface StfActionCall {
  name: string;
  args: Array<{ name: string; value: string }>;
}

export type StfCommand = StfPlace &
  (
    | { kind: 'packet'; port: number; data: Uint8Array }
    /** pattern: upper-case hex nibbles or `*`; undefined when `expect <port>` gives no data. */
    | { kind: 'expect'; port: number; pattern: string | undefined; exact: boolean }
    | { kind: 'add'; table: string; priority: number | undefined; keys: StfKey[]; action: StfActionCall }
    | { kind: 'setdefault'; table: string; action: StfActionCall }
    | { kind: 'mirroring_add'; session: number; port: number }
    | { kind: 'mirroring_add_mc'; session: number; group: number }
    | { kind: 'mc_mgrp_create'; group: number }
    | { kind: 'mc_node_create'; rid: number; ports: number[] }
    | { kind: 'mc_node_associate'; group: number; node: number }
    | { kind: 'register_write'; register: string; index: number; value: bigint }
    | { kind: 'register_reset'; register: string }
    /** Commands that only read state or wait; simple_switch's CLI prints them, nothing is checked. */
    | { kind: 'ignored'; name: string }
  );

/** Read-only or timing commands of p4c's BMv2 STF dialect: nothing to do in process. */
const IGNORED = new Set(['register_read', 'counter_read', 'mirroring_get', 'meter_get_rates', 'wait']);

export function parseStf(text: string, file = 'test.stf'): StfCommand[] {
  const out: StfCommand[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const place: StfPlace = { file, line: i + 1, text: line };
    out.push(parseLine(line, place));
  });
  return out;
}

export function stfError(place: StfPlace, problem: string, hint?: string): P4labError {
  return new P4labError(`${place.file}:${place.line}: ${place.text.split(/\s+/)[0]}: ${problem}`, hint);
}

function parseLine(line: string, place: StfPlace): StfCommand {
  const verb = line.split(/\s+/, 1)[0]!.toLowerCase();
  const rest = line.slice(verb.length).trim();
  const words = rest ? rest.split(/\s+/) : [];
  const num = (w: string | undefined, what: string) => {
    if (w === undefined || !/^(0x[0-9a-f]+|0b[01]+|\d+)$/i.test(w)) throw stfError(place, `expected ${what}, got ${w === undefined ? 'end of line' : `'${w}'`}`);
    return Number(BigInt(w));
  };
  const arity = (n: number, usage: string) => {
    if (words.length !== n) throw stfError(place, `takes ${n} argument${n === 1 ? '' : 's'}`, `write: ${usage}`);
  };
  switch (verb) {
    case 'packet': {
      const [port, ...data] = words;
      const hex = data.join('');
      if (!/^([0-9a-f]{2})*$/i.test(hex)) throw stfError(place, 'packet data must be whole bytes of hex digits', 'write: packet <port> <hex bytes>');
      return { ...place, kind: 'packet', port: num(port, 'a port number'), data: Uint8Array.from(Buffer.from(hex, 'hex')) };
    }
    case 'expect': {
      const [port, ...data] = words;
      let pattern = data.join('').toUpperCase();
      const exact = pattern.endsWith('$');
      if (exact) pattern = pattern.slice(0, -1);
      if (!/^[0-9A-F*]*$/.test(pattern)) throw stfError(place, 'expected data is hex digits, `*` for any nibble and an optional final `$`');
      return { ...place, kind: 'expect', port: num(port, 'a port number'), pattern: data.length ? pattern : undefined, exact };
    }
    case 'add':
      return { ...place, kind: 'add', ...parseAdd(rest, place) };
    case 'setdefault': {
      const m = /^(\S+)\s+(.*)$/.exec(rest);
      if (!m) throw stfError(place, 'expected a table and an action call', 'write: setdefault <table> <action>(<param>:<value>, …)');
      return { ...place, kind: 'setdefault', table: m[1]!, action: parseAction(m[2]!, place) };
    }
    case 'mirroring_add':
      arity(2, 'mirroring_add <session> <port>');
      return { ...place, kind: 'mirroring_add', session: num(words[0], 'a session id'), port: num(words[1], 'a port') };
    case 'mirroring_add_mc':
      arity(2, 'mirroring_add_mc <session> <group>');
      return { ...place, kind: 'mirroring_add_mc', session: num(words[0], 'a session id'), group: num(words[1], 'a multicast group') };
    case 'mc_mgrp_create':
      arity(1, 'mc_mgrp_create <group>');
      return { ...place, kind: 'mc_mgrp_create', group: num(words[0], 'a multicast group') };
    case 'mc_node_create':
      if (words.length < 1) throw stfError(place, 'expected a replication id and ports', 'write: mc_node_create <rid> <port> …');
      return { ...place, kind: 'mc_node_create', rid: num(words[0], 'a replication id'), ports: words.slice(1).map((w) => num(w, 'a port')) };
    case 'mc_node_associate':
      arity(2, 'mc_node_associate <group> <node handle>');
      return { ...place, kind: 'mc_node_associate', group: num(words[0], 'a multicast group'), node: num(words[1], 'a node handle') };
    case 'register_write':
      arity(3, 'register_write <register> <index> <value>');
      num(words[2], 'a value');
      return { ...place, kind: 'register_write', register: words[0]!, index: num(words[1], 'an index'), value: BigInt(words[2]!) };
    case 'register_reset':
      arity(1, 'register_reset <register>');
      return { ...place, kind: 'register_reset', register: words[0]! };
    default:
      if (IGNORED.has(verb)) return { ...place, kind: 'ignored', name: verb };
      throw stfError(place, 'unknown or unsupported STF command', 'p4lab runs packet, expect, add, setdefault, mirroring_add(_mc), mc_mgrp_create, mc_node_create, mc_node_associate, register_write, register_reset');
  }
}

/** `add <table> [<prio>] <key>:<value>[/<len>] … <action>(<arg>:<value>, …)` */
function parseAdd(rest: string, place: StfPlace): { table: string; priority: number | undefined; keys: StfKey[]; action: StfActionCall } {
  const paren = rest.indexOf('(');
  if (paren < 0) throw stfError(place, 'expected an action call at the end', 'write: add <table> [<priority>] <key>:<value> … <action>(<param>:<value>, …)');
  const head = rest.slice(0, paren).trim().split(/\s+/);
  const actionName = head.pop();
  const table = head.shift();
  if (!table || !actionName) throw stfError(place, 'expected a table, keys and an action');
  let priority: number | undefined;
  if (head[0] !== undefined && /^\d+$/.test(head[0])) priority = Number(head.shift());
  const keys = head.map((k): StfKey => {
    const m = /^(.+):([^:/]+)(?:\/(\S+))?$/.exec(k);
    if (!m) throw stfError(place, `key '${k}' is not <field>:<value> or <field>:<value>/<prefix length>`);
    return { name: m[1]!, value: m[2]!, ...(m[3] !== undefined ? { prefixLen: m[3] } : {}) };
  });
  const eq = rest.lastIndexOf(')');
  // `= <id>` after the call names the entry in p4c's grammar; nothing refers to it here.
  const after = rest.slice(eq + 1).trim();
  if (after && !/^=\s*\w+$/.test(after)) throw stfError(place, `unexpected '${after}' after the action call`);
  return { table, priority, keys, action: parseAction(`${actionName}${rest.slice(paren, eq + 1)}`, place) };
}

function parseAction(text: string, place: StfPlace): StfActionCall {
  const m = /^\s*([\w.$\[\]]+)\s*\((.*)\)\s*$/.exec(text);
  if (!m) throw stfError(place, `'${text}' is not an action call <action>(<param>:<value>, …)`);
  const body = m[2]!.trim();
  const args = body
    ? body.split(',').map((a) => {
        const p = /^\s*(\w+)\s*:\s*(\S+)\s*$/.exec(a);
        if (!p) throw stfError(place, `action argument '${a.trim()}' is not <param>:<value>`);
        return { name: p[1]!, value: p[2]! };
      })
    : [];
  return { name: m[1]!, args };
}
