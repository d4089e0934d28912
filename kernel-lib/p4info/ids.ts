// P4Info ids as p4c allocates them: (prefix << 24) | (Jenkins one-at-a-time
// hash of the fully qualified name & 0xffffff), names in sorted order,
// collisions resolved by incrementing, `@id` values reserved first.

/** Bob Jenkins' one-at-a-time hash of the UTF-8 bytes of `name`, as uint32. */
export function jenkinsOneAtATime(name: string): number {
  let h = 0;
  for (const b of Buffer.from(name, 'utf8')) {
    h = (h + b) >>> 0;
    h = (h + (h << 10)) >>> 0;
    h = (h ^ (h >>> 6)) >>> 0;
  }
  h = (h + (h << 3)) >>> 0;
  h = (h ^ (h >>> 11)) >>> 0;
  h = (h + (h << 15)) >>> 0;
  return h;
}

export interface IdRequest {
  prefix: number;
  name: string;
  explicitId?: number; // from @id(n): the low 24 bits if the prefix is absent
}

/** Allocate ids for all requests at once; returns name → id per prefix, keyed `${prefix}:${name}`. */
export function allocateIds(requests: IdRequest[]): Map<string, number> {
  const taken = new Set<number>();
  const ids = new Map<string, number>();
  const key = (r: IdRequest) => `${r.prefix}:${r.name}`;
  for (const r of requests) {
    if (r.explicitId === undefined) continue;
    const id = r.explicitId > 0xffffff ? r.explicitId >>> 0 : ((r.prefix << 24) | r.explicitId) >>> 0;
    taken.add(id);
    ids.set(key(r), id);
  }
  const rest = requests.filter((r) => r.explicitId === undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.prefix - b.prefix));
  for (const r of rest) {
    if (ids.has(key(r))) continue;
    let low = jenkinsOneAtATime(r.name) & 0xffffff;
    let id = ((r.prefix << 24) | low) >>> 0;
    while (taken.has(id) || low === 0) {
      low = (low + 1) & 0xffffff;
      id = ((r.prefix << 24) | low) >>> 0;
    }
    taken.add(id);
    ids.set(key(r), id);
  }
  return ids;
}

/** The shortest dotted suffix of each name that no other name ends with (p4c's alias). */
export function aliases(names: string[]): Map<string, string> {
  const unique = [...new Set(names)];
  const out = new Map<string, string>();
  for (const n of unique) {
    const parts = n.split('.');
    let alias = n;
    for (let k = 1; k <= parts.length; k++) {
      const suffix = parts.slice(-k).join('.');
      const clash = unique.some((o) => o !== n && (o === suffix || o.endsWith(`.${suffix}`)));
      if (!clash) {
        alias = suffix;
        break;
      }
    }
    out.set(n, alias);
  }
  return out;
}
