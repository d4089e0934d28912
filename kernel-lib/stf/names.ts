// Names as STF files write them → the BMv2 JSON objects they mean. p4c's
// runner accepts the full name or any unambiguous suffix (`ipv4_lpm` for
// `MyIngress.ipv4_lpm`), and key fields by their P4 expression, with `$N`
// for `[N]` and `.valid` / `$valid$` for a header's validity.
import type { Bmv2Action, Bmv2Json, Bmv2Table } from '../bmv2/json-format.js';

export function findTable(json: Bmv2Json, name: string): Bmv2Table {
  const tables = json.pipelines.flatMap((p) => p.tables);
  return bySuffix(tables, name, 'table', (t) => t.name);
}

export function findAction(json: Bmv2Json, table: Bmv2Table, name: string): Bmv2Action {
  const actions = table.action_ids.map((id) => json.actions.find((a) => a.id === id)).filter((a): a is Bmv2Action => a !== undefined);
  return bySuffix(actions, name, `action of table ${table.name}`, (a) => a.name);
}

export function findRegister(json: Bmv2Json, name: string): string {
  return bySuffix(json.register_arrays, name, 'register', (r) => r.name).name;
}

/** The index of the table key field an STF key names: by the key's `name` (as p4c's runner), else by its target (`tag.$valid$`). */
export function findKeyField(table: Bmv2Table, written: string): number {
  const key = written.replace(/\$(\d+)/g, '[$1]');
  for (const names of [table.key.map((k) => k.name ?? ''), table.key.map((k) => (Array.isArray(k.target) ? k.target.join('.') : k.target))]) {
    const candidates = [key, `${key}$`, `${key}.$valid$`, key.endsWith('.valid') ? `${key.slice(0, -'valid'.length)}$valid$` : undefined];
    for (const c of candidates) {
      const i = c === undefined ? -1 : names.indexOf(c);
      if (i >= 0) return i;
    }
    const i = names.findIndex((n) => n.endsWith(`.${key}`) || n.endsWith(`.${key}$`) || (key === 'valid' && n.endsWith('.$valid$')));
    if (i >= 0) return i;
  }
  throw new Error(`table ${table.name} has no key field '${written}' (its keys: ${table.key.map((k) => k.name).join(', ') || 'none'})`);
}

function bySuffix<T>(items: T[], name: string, what: string, nameOf: (t: T) => string): T {
  const exact = items.find((t) => nameOf(t) === name);
  if (exact) return exact;
  const found = items.filter((t) => nameOf(t).endsWith(name));
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new Error(`${what} '${name}' is ambiguous: ${found.map(nameOf).join(', ')}`);
  throw new Error(`no ${what} '${name}'${items.length ? ` (there are: ${items.map(nameOf).join(', ')})` : ''}`);
}
