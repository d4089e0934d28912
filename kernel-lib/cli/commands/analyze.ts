// `p4lab analyze`: per-flow loss, latency and jitter from p4lab-send /
// p4lab-recv traces, and the dataframes as CSV or Arrow files.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { P4labError } from '../../errors.js';

interface AnalyzeOpts {
  sent?: string[];
  startNs?: string;
  out?: string;
  format: string;
  binMs: string;
  outageMs: string;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .summary('loss, latency and jitter per flow from traffic traces')
    .description(
      'Read the traces p4lab-recv wrote (and, with --sent, those p4lab-send wrote, so loss is exact) and print one line per flow: ' +
        'packets sent, received and lost, one-way latency percentiles and jitter. With --out, also write the packets, flows, ' +
        'series and outages tables as CSV or Arrow files.',
    )
    .argument('<recv-traces...>', 'trace files written by p4lab-recv')
    .option('-s, --sent <file>', 'a trace written by p4lab-send (repeatable)', collect)
    .option('--start-ns <ns>', 'time origin, CLOCK_REALTIME ns (default: the earliest trace)')
    .option('-o, --out <dir>', 'write packets, flows, series and outages tables here')
    .option('--format <format>', 'csv or arrow', 'csv')
    .option('--bin-ms <ms>', 'series bin width in milliseconds', '100')
    .option('--outage-ms <ms>', 'gaps between arrivals longer than this are outages', '50')
    // Arquero is loaded only when it runs.
    .action(async (recv: string[], opts: AnalyzeOpts) => {
      const { TrafficAnalysis, writeArrow, writeCsv } = await import('../../analysis/index.js');
      const binMs = positive('--bin-ms', opts.binMs);
      const outageMs = positive('--outage-ms', opts.outageMs);
      if (opts.format !== 'csv' && opts.format !== 'arrow') throw new P4labError(`--format ${opts.format} is not csv or arrow`);
      if (opts.startNs !== undefined && !/^\d+$/.test(opts.startNs)) throw new P4labError(`--start-ns ${opts.startNs} is not a whole number of nanoseconds`);
      const a = await TrafficAnalysis.load({
        recvTraces: recv, sendTraces: opts.sent ?? [], startNs: opts.startNs === undefined ? undefined : BigInt(opts.startNs),
      });
      const flows = a.flows();
      process.stdout.write(formatFlows(flows.objects() as Record<string, number>[]));
      if (!opts.out) return;
      mkdirSync(opts.out, { recursive: true });
      const tables = { packets: a.packets(), flows, series: a.series({ bin_ms: binMs }), outages: a.outages({ threshold_ms: outageMs }) };
      for (const [name, table] of Object.entries(tables)) {
        const file = join(opts.out, `${name}.${opts.format}`);
        await (opts.format === 'csv' ? writeCsv(table, file) : writeArrow(table, file));
        process.stderr.write(`wrote ${file}\n`);
      }
    });
}

function positive(option: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new P4labError(`${option} ${value} is not a number above 0`);
  return n;
}

function formatFlows(rows: Record<string, number>[]): string {
  const ms = (ns: number) => (ns === ns ? (ns / 1e6).toFixed(3) : '-');
  const header = ['flow', 'sent', 'received', 'lost', 'loss %', 'dup', 'reord', 'p50 ms', 'p99 ms', 'max ms', 'jitter ms'];
  const body = rows.map((r) => [
    r.flow, r.sent, r.received, r.lost, r.loss === r.loss ? (100 * r.loss!).toFixed(3) : '-', r.duplicates, r.reordered,
    ms(r.latency_p50_ns!), ms(r.latency_p99_ns!), ms(r.latency_max_ns!), ms(r.jitter_ns!),
  ].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [header, ...body].map((cells) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ') + '\n').join('');
}
