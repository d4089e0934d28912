// Name lookup with the forgiveness people expect: fully qualified names, the
// P4Info alias, and any unambiguous dotted suffix ('ipv4_lpm' for
// 'MyIngress.ipv4_lpm'); a miss suggests the closest names.
import { P4RuntimeNameError } from '../errors.js';

export class NameTable<T> {
  private readonly exact = new Map<string, T>();
  private readonly suffixes = new Map<string, T[]>();
  private readonly names: string[] = [];

  /** `what` names the kind in messages, e.g. 'table' or 'match field of table X'. */
  constructor(
    private readonly what: string,
    entries: Iterable<{ name: string; alias?: string; item: T }>,
  ) {
    for (const { name, alias, item } of entries) {
      this.exact.set(name, item);
      this.names.push(name);
      const parts = name.split('.');
      for (let i = 1; i < parts.length; i++) this.addSuffix(parts.slice(i).join('.'), item);
      if (alias && alias !== name) this.addSuffix(alias, item);
    }
  }

  private addSuffix(suffix: string, item: T): void {
    if (this.exact.has(suffix)) return;
    const list = this.suffixes.get(suffix);
    if (!list) this.suffixes.set(suffix, [item]);
    else if (!list.includes(item)) list.push(item);
  }

  find(name: string): T | undefined {
    const hit = this.exact.get(name);
    if (hit !== undefined) return hit;
    const list = this.suffixes.get(name);
    return list?.length === 1 ? list[0] : undefined;
  }

  get(name: string): T {
    const hit = this.find(name);
    if (hit !== undefined) return hit;
    const list = this.suffixes.get(name);
    if (list && list.length > 1) {
      const full = this.names.filter((n) => n === name || n.endsWith(`.${name}`));
      throw new P4RuntimeNameError(`${this.what} '${name}' is ambiguous: it could be ${full.join(' or ')}`, 'write the fully qualified name');
    }
    throw new P4RuntimeNameError(`no ${this.what} named '${name}'`, this.hint(name));
  }

  all(): string[] {
    return [...this.names];
  }

  private hint(name: string): string {
    if (this.names.length === 0) return `the program has no ${this.what}`;
    const close = suggest(name, this.names);
    return close.length ? `did you mean ${close.map((n) => `'${n}'`).join(' or ')}?` : `known: ${this.names.slice(0, 10).join(', ')}${this.names.length > 10 ? ', …' : ''}`;
  }
}

/** Up to three names closest to `name` (edit distance on the whole name or its last part). */
export function suggest(name: string, names: string[]): string[] {
  const lower = name.toLowerCase();
  const scored = names.map((n) => {
    const last = n.slice(n.lastIndexOf('.') + 1).toLowerCase();
    return { n, d: Math.min(distance(lower, n.toLowerCase()), distance(lower, last)) };
  });
  const limit = Math.max(2, Math.floor(name.length / 3));
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((s) => s.n);
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
