// Plot specs render to SVG with the expected marks and unit-bearing axis titles.
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { eventsTable } from '../../kernel-lib/analysis/index.js';
import { EventLog } from '../../kernel-lib/events/index.js';
import {
  boxPlot, cdf, latencyOverTime, lossBars, meanCi, meanWithCi, outageBars, queueDepthOverTime, renderHtml, renderSvg,
  show, throughputOverTime,
} from '../../kernel-lib/plots/index.js';

const series = aq.table({
  t_ns: Float64Array.from({ length: 50 }, (_, i) => i * 1e8),
  flow: Uint32Array.from({ length: 50 }, (_, i) => i % 2),
  rx_bps: Float64Array.from({ length: 50 }, () => 8e6),
  latency_p50_ns: Float64Array.from({ length: 50 }, (_, i) => 1e6 + (i === 25 ? 5e6 : 0)),
});
const packets = aq.table({
  flow: Uint32Array.of(1, 1, 1, 2), tx_ns: Float64Array.of(0, 1e6, 2e6, 3e6),
  latency_ns: Float64Array.of(1e5, 2e5, NaN, 4e5),
});
const ORIGIN = 1_000_000_000_000_000_000n;

function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('plots', () => {
  it('latency over time with labelled event markers', async () => {
    const log = new EventLog();
    log.record('pipeline_commit', { device: 's1' }, { t_ns: ORIGIN + 2_500_000_000n });
    const plot = latencyOverTime(series, { by: 'flow' }).events(eventsTable(log, ORIGIN)).title('NAT migration');
    const svg = await renderSvg(plot);
    expect(svg).toContain('class="mark-line');
    expect(svg).toContain('class="mark-rule');
    const texts = svgTexts(svg);
    expect(texts).toEqual(expect.arrayContaining(['time (s)', 'median one-way latency (ms)', 'commit s1', 'NAT migration', 'flow']));
  });

  it('per-packet latency points, throughput and queue depth', async () => {
    expect(await renderSvg(latencyOverTime(packets))).toContain('class="mark-symbol');
    expect(svgTexts(await renderSvg(latencyOverTime(packets)))).toContain('one-way latency (ms)');
    expect(svgTexts(await renderSvg(throughputOverTime(series)))).toEqual(expect.arrayContaining(['time (s)', 'throughput (Mbit/s)']));
    const q = aq.table({ t_ns: Float64Array.of(0, 1e9, 2e9), depth: Float64Array.of(0, 25, 3) });
    expect(svgTexts(await renderSvg(queueDepthOverTime(q)))).toEqual(expect.arrayContaining(['time (s)', 'queue depth (packets)']));
  });

  it('loss and outage bars', async () => {
    const flows = aq.table({ flow: Uint32Array.of(1, 2), loss: Float64Array.of(0.1, 0), lost: Float64Array.of(10, 0) });
    const loss = await renderSvg(lossBars(flows));
    expect(loss).toContain('class="mark-rect');
    expect(svgTexts(loss)).toEqual(expect.arrayContaining(['loss (%)', 'flow']));
    const outages = aq.table({
      flow: Uint32Array.of(3), start_ns: Float64Array.of(1e9), end_ns: Float64Array.of(1.2e9),
      duration_ns: Float64Array.of(2e8), lost: Float64Array.of(20),
    });
    const o = await renderSvg(outageBars(outages));
    expect(o).toContain('class="mark-rect');
    expect(svgTexts(o)).toEqual(expect.arrayContaining(['time (s)', 'flow']));
  });

  it('CDFs and box plots across runs', async () => {
    const c = await renderSvg(cdf(packets, { by: 'flow' }));
    expect(c).toContain('class="mark-line');
    expect(svgTexts(c)).toEqual(expect.arrayContaining(['one-way latency (ms)', 'cumulative fraction of packets']));
    const runs = aq.table({ run: ['PM', 'PM', 'PM', 'PR', 'PR', 'PR'], latency_p99_ns: Float64Array.of(1e6, 2e6, 3e6, 2e6, 4e6, 6e6) });
    const b = await renderSvg(boxPlot(runs, { x: 'run', y: 'latency_p99_ns' }));
    expect(b).toContain('class="mark-rect');
    expect(svgTexts(b)).toEqual(expect.arrayContaining(['99th percentile one-way latency (ms)', 'run', 'PM', 'PR']));
  });

  it('mean with a 95% Student-t band across repetitions', async () => {
    const [c] = meanCi([0, 0, 0], [1, 2, 3]);
    expect(c!.mean).toBe(2);
    expect(c!.hi - c!.mean).toBeCloseTo(4.303 / Math.sqrt(3), 9);
    const reps = aq.table({
      t_ns: Float64Array.from({ length: 30 }, (_, i) => (i % 10) * 1e8),
      latency_p50_ns: Float64Array.from({ length: 30 }, (_, i) => 1e6 + (i % 3) * 1e5),
    });
    const svg = await renderSvg(meanWithCi(reps, { y: 'latency_p50_ns' }));
    expect(svg).toContain('class="mark-area');
    expect(svg).toContain('class="mark-line');
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['time (s)', 'median one-way latency (ms), mean and 95% CI']));
  });

  it('renders self-contained interactive HTML and shows plots through a display object', async () => {
    const html = await renderHtml(latencyOverTime(series));
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain('"zoom"');
    const shown: string[] = [];
    await show(cdf(packets), { html: (s) => shown.push(`html:${s.slice(0, 5)}`), svg: (s) => shown.push(`svg:${s.slice(0, 4)}`) });
    expect(shown).toEqual(['svg:<svg']);
  });

  it('refuses to plot more rows than a plot can hold, naming the fix', () => {
    const big = aq.table({ tx_ns: new Float64Array(300_000), latency_ns: new Float64Array(300_000) });
    expect(() => latencyOverTime(big)).toThrow(/too many to plot/);
  });
});
