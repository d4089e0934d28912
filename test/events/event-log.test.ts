import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EventLog, realtimeNs } from '../../kernel-lib/events/index.js';

describe('EventLog', () => {
  it('timestamps on CLOCK_REALTIME, the clock the traffic tools use', () => {
    const before = realtimeNs();
    const date = BigInt(execFileSync('date', ['+%s%N'], { encoding: 'utf8' }).trim());
    const after = realtimeNs();
    // performance.timeOrigin has microsecond resolution.
    expect(date).toBeGreaterThanOrEqual(before - 1000n);
    expect(date).toBeLessThanOrEqual(after + 1000n);
  });

  it('records typed events with labels and keeps them in time order', () => {
    const log = new EventLog();
    log.record('link_change', { link: 's1-s2', delay_ms: 5, loss: 0.01 }, { t_ns: 20n });
    log.record('pipeline_save', { device: 's1', program: 'nat.p4' }, { t_ns: 10n });
    log.record('migration_step', { migration: 'fw s1→s5', step: 'copy state' }, { t_ns: 30n });
    log.record('custom', { label: 'start', run: 3 }, { t_ns: 40n });
    expect(log.events.map((e) => [e.t_ns, e.kind, e.label])).toEqual([
      [10n, 'pipeline_save', 'save s1'],
      [20n, 'link_change', 'link s1-s2'],
      [30n, 'migration_step', 'fw s1→s5: copy state'],
      [40n, 'custom', 'start'],
    ]);
    const now = log.record('host_add', { host: 'h5' });
    expect(now.t_ns).toBeGreaterThan(1_600_000_000_000_000_000n);
  });

  it('round-trips through JSON lines and rejects bad lines with their place', () => {
    const log = new EventLog();
    log.record('table_write', { device: 's3', table: 'nat', op: 'insert', entries: 2 }, { t_ns: 1_763_700_000_123_456_789n });
    const text = log.toJsonLines();
    expect(text).toBe('{"t_ns":"1763700000123456789","kind":"table_write","label":"insert s3/nat","detail":{"device":"s3","table":"nat","op":"insert","entries":2}}\n');
    expect(EventLog.fromJsonLines(text).events).toEqual(log.events);
    expect(() => EventLog.fromJsonLines(text + '{"t_ns":"1","kind":"reboot","label":"x","detail":{}}\n', 'run.events'))
      .toThrow(/run.events line 2: unknown kind "reboot"/);
    expect(() => EventLog.fromJsonLines('nope', 'e.jsonl')).toThrow(/e.jsonl line 1: not JSON/);
  });
});
