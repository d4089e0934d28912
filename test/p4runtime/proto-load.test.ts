// The parsed-.proto cache (build/proto/) must give the same types as parsing.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../kernel-lib/package-root.js';
import { PROTO_DIR } from '../../kernel-lib/p4runtime/proto.js';
import { loadProtoRoot } from '../../kernel-lib/p4runtime/proto-load.js';

const CACHE_DIR = join(PACKAGE_ROOT, 'build', 'proto');
const FILES = ['p4/v1/p4runtime.proto', 'google/rpc/code.proto'];

describe('loading .proto declarations through the descriptor cache', () => {
  it('parses, writes the descriptor, then reads back the same types', () => {
    for (const f of existsSync(CACHE_DIR) ? readdirSync(CACHE_DIR) : []) rmSync(join(CACHE_DIR, f), { force: true }); // force the parse
    const parsed = loadProtoRoot(PROTO_DIR, FILES);
    expect(readdirSync(CACHE_DIR).length).toBeGreaterThan(0); // other test files may add theirs
    const cached = loadProtoRoot(PROTO_DIR, FILES);
    expect(cached.toJSON()).toEqual(parsed.toJSON());

    const request = { device_id: '3', election_id: { high: '0', low: '7' }, updates: [{ type: 'INSERT', entity: { table_entry: { table_id: 33, priority: 10, match: [{ field_id: 1, exact: { value: Buffer.from([10, 0, 0, 1]) } }] } } }] };
    const bytes = (root: typeof parsed) => {
      const t = root.lookupType('p4.v1.WriteRequest');
      return Buffer.from(t.encode(t.fromObject(request)).finish());
    };
    expect(bytes(cached)).toEqual(bytes(parsed));
    expect(parsed.lookupService('p4.v1.P4Runtime').methods.StreamChannel!.requestStream).toBe(true);
    expect(cached.lookupService('p4.v1.P4Runtime').methods.StreamChannel!.requestStream).toBe(true);
  });
});
