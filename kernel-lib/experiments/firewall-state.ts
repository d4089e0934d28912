// The stateful firewall's state on a switch: its registers, read whole and
// written back sparsely (only the slots of flows seen), so a migration ships
// what the flows made, not 4096 empty slots per register.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Switch } from '../p4runtime/client/switch.js';

/** The per-flow registers, in the order a copy writes them: fw_blocked last, so a slot is complete when it blocks. */
const FLOW_REGISTERS = ['MyIngress.fw_last_seen', 'MyIngress.fw_mean_gap', 'MyIngress.fw_packets', 'MyIngress.fw_blocked'] as const;

export interface FirewallState {
  threshold_us: bigint;
  /** Register name → slot → value, for slots where any register is non-zero. */
  slots: Map<number, Record<(typeof FLOW_REGISTERS)[number], bigint>>;
}

/**
 * Cells per register read. p4lab's switch serves a Read on the thread that
 * forwards packets; a stall turns the backlog into a burst (whose near-zero
 * gaps also make any flow look fast to the rate fingerprint). Small reads,
 * each followed by a pause as long as it took, leave the switch at least half
 * its time to forward. In the firewall migration (H2 at 1000 pps), 128-cell
 * reads raised H2's latency by 6-7.5 ms (paper: ~0.5 ms), 32-cell reads by
 * 1.0-1.8 ms, for a migration of ~1.3 s instead of ~0.6 s. Whole registers in
 * one Read each, though the switch sends them in slices, raised it by 8-15 ms
 * (in ~0.15 s): the switch process is fresh, so the burst of work also brings
 * its first garbage collections and compilations.
 */
const READ_CHUNK = 32;

async function readRegister(sw: Switch, name: string): Promise<bigint[]> {
  const reg = sw.register(name);
  const out: bigint[] = [];
  for (let from = 0; from < reg.size; from += READ_CHUNK) {
    const t0 = performance.now();
    out.push(...(await reg.readRange({ from, to: Math.min(from + READ_CHUNK, reg.size) - 1 })));
    await sleep(performance.now() - t0);
  }
  return out;
}

/**
 * Scans the two registers that tell which slots hold a flow (a counted flow
 * has packets > 0; a flow the operator blocked before it sent has only its
 * blocked bit), then reads the other registers at those slots only.
 */
export async function readFirewallState(sw: Switch): Promise<FirewallState> {
  const threshold = await sw.register('MyIngress.fw_threshold').read(0);
  const packets = await readRegister(sw, 'MyIngress.fw_packets');
  const blocked = await readRegister(sw, 'MyIngress.fw_blocked');
  const used = packets.flatMap((p, i) => (p !== 0n || blocked[i] !== 0n ? [i] : []));
  const slots: FirewallState['slots'] = new Map();
  for (const run of runsOf(used)) {
    const range = { from: run[0]!, to: run.at(-1)! };
    const [lastSeen, meanGap] = await Promise.all([sw.register('MyIngress.fw_last_seen').readRange(range), sw.register('MyIngress.fw_mean_gap').readRange(range)]);
    run.forEach((i, k) => slots.set(i, {
      'MyIngress.fw_last_seen': lastSeen[k]!,
      'MyIngress.fw_mean_gap': meanGap[k]!,
      'MyIngress.fw_packets': packets[i]!,
      'MyIngress.fw_blocked': blocked[i]!,
    }));
  }
  return { threshold_us: threshold, slots };
}

/** Consecutive slot numbers grouped, so each run is one batched write. */
function runsOf(slots: number[]): number[][] {
  const runs: number[][] = [];
  for (const s of [...slots].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last && last.at(-1)! + 1 === s) last.push(s);
    else runs.push([s]);
  }
  return runs;
}

export async function writeFirewallState(sw: Switch, state: FirewallState): Promise<void> {
  await sw.register('MyIngress.fw_threshold').write(0, state.threshold_us);
  const runs = runsOf([...state.slots.keys()]);
  for (const reg of FLOW_REGISTERS) {
    await Promise.all(runs.map((run) => sw.register(reg).writeValues(run[0]!, run.map((s) => state.slots.get(s)![reg]))));
  }
}

/** Slots blocked on the switch now. */
export async function blockedSlots(sw: Switch): Promise<number[]> {
  const bits = await readRegister(sw, 'MyIngress.fw_blocked');
  return bits.flatMap((b, i) => (b === 1n ? [i] : []));
}

/** Marks slots blocked. */
export async function blockSlots(sw: Switch, slots: number[]): Promise<void> {
  await Promise.all(runsOf(slots).map((run) => sw.register('MyIngress.fw_blocked').writeValues(run[0]!, run.map(() => 1))));
}
