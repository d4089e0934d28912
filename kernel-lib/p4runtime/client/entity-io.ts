// What entity handles (tables, registers, …) need from the switch connection.
import type { P4InfoIndex } from './p4info-index.js';
import type { ThriftCli } from './thrift-cli.js';
import type { Entity, Update } from './wire.js';

export interface EntityIO {
  /** The P4Info of the program the client writes to. */
  readonly index: P4InfoIndex;
  /** Name for messages and event logs (e.g. 's1'). */
  readonly name: string;
  /** Set when the switch is a real BMv2 whose registers and queues need its Thrift CLI. */
  readonly thrift: ThriftCli | undefined;
  write(updates: Update[]): Promise<void>;
  read(entities: Entity[]): Promise<Entity[]>;
}

// Keys that promises, JSON and test matchers probe on any object; a P4 object
// is never called this, so they answer undefined instead of "no table named then".
const PROBES = new Set(['then', 'toJSON', 'asymmetricMatch', '$$typeof', 'nodeType']);

/**
 * Handles by name (`sw.tables.ipv4_lpm`), resolved on every access so they
 * follow the loaded program; a miss throws with suggestions. The keys listed
 * (for notebooks and `Object.keys`) are the fully qualified names.
 */
export function byName<H>(names: () => string[], get: (name: string) => H): Record<string, H> {
  const known = (key: string | symbol): key is string => typeof key === 'string' && names().includes(key);
  return new Proxy({} as Record<string, H>, {
    get: (_t, key) => (typeof key !== 'string' || PROBES.has(key) || key in Object.prototype ? undefined : get(key)),
    has: (_t, key) => known(key),
    ownKeys: () => names(),
    getOwnPropertyDescriptor: (_t, key) => (known(key) ? { value: get(key), enumerable: true, configurable: true, writable: false } : undefined),
  });
}
