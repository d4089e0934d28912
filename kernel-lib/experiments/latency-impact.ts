// How much a reconfiguration raised one flow's latency, and for how long,
// from a per-flow series of fixed bins (median latency per bin).
import type { ColumnTable } from 'arquero';

export interface LatencyImpact {
  /** Median of the per-bin medians before the reconfiguration. */
  baseline_ms: number;
  /** Highest per-bin median from the reconfiguration to the end of the window. */
  peak_ms: number;
  increase_ms: number;
  /** peak / baseline. */
  ratio: number;
  /**
   * Time from the reconfiguration's start to the end of the last bin whose
   * median is above baseline + increase/2 (width at half maximum, so noise
   * of the baseline does not count as degradation); 0 when there is no rise.
   */
  duration_s: number;
}

export interface ImpactWindow {
  flow: number;
  /** The series' bin width. */
  bin_ms: number;
  /** Reconfiguration start and the end of the window looked at, ns since the run's origin. */
  from_ns: number;
  to_ns: number;
  /** Bins before this (ns) are warm-up, left out of the baseline. */
  baselineFrom_ns: number;
}

function median(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `series` is TrafficAnalysis.series({ bin_ms, byFlow: true }). */
export function latencyImpact(series: ColumnTable, w: ImpactWindow): LatencyImpact {
  const t = series.array('t_ns') as Float64Array;
  const flow = series.array('flow') as Uint32Array;
  const lat = series.array('latency_p50_ns') as Float64Array;
  const bin = w.bin_ms * 1e6;
  const before: number[] = [];
  const after: Array<[number, number]> = [];
  for (let i = 0; i < t.length; i++) {
    if (flow[i] !== w.flow || lat[i] !== lat[i]) continue;
    if (t[i]! >= w.baselineFrom_ns && t[i]! + bin <= w.from_ns) before.push(lat[i]!);
    else if (t[i]! + bin > w.from_ns && t[i]! < w.to_ns) after.push([t[i]!, lat[i]!]);
  }
  const baseline = median(before);
  const peak = after.reduce((a, [, v]) => Math.max(a, v), -Infinity);
  const increase = Math.max(0, peak - baseline);
  const half = baseline + increase / 2;
  const lastHigh = increase > 0 ? after.reduce((a, [ts, v]) => (v > half ? Math.max(a, ts + bin) : a), w.from_ns) : w.from_ns;
  return {
    baseline_ms: baseline / 1e6,
    peak_ms: peak / 1e6,
    increase_ms: increase / 1e6,
    ratio: peak / baseline,
    duration_s: (lastHigh - w.from_ns) / 1e9,
  };
}
