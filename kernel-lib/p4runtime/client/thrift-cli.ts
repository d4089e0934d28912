// What a real BMv2 (simple_switch_grpc) keeps out of P4Runtime — registers and
// queue rate/depth — through its Thrift runtime CLI, `simple_switch_CLI`.
import { spawn, spawnSync } from 'node:child_process';
import { P4labError } from '../../errors.js';

export interface ThriftOptions {
  /** The switch's Thrift port (simple_switch's --thrift-port, 9090 by default). */
  port: number;
  host?: string;
  /** The CLI executable; default `simple_switch_CLI` from PATH. */
  cli?: string;
}

export class ThriftCli {
  private readonly cli: string;

  constructor(private readonly options: ThriftOptions) {
    this.cli = options.cli ?? 'simple_switch_CLI';
  }

  /** True when the CLI executable can be run. */
  static available(cli = 'simple_switch_CLI'): boolean {
    return spawnSync('sh', ['-c', `command -v ${JSON.stringify(cli)}`]).status === 0;
  }

  /** Runs commands in one CLI session; returns its output, failing on the CLI's error lines. */
  async run(commands: string[]): Promise<string> {
    const args = ['--thrift-port', String(this.options.port)];
    if (this.options.host) args.push('--thrift-ip', this.options.host);
    const child = spawn(this.cli, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'ENOENT'
            ? new P4labError(`${this.cli} is not on PATH`, 'install BMv2 (behavioral-model) tools, or pass thrift.cli with the full path')
            : new P4labError(`${this.cli} failed to start: ${e.message}`),
        ),
      );
      child.on('close', resolve);
      child.stdin.end(commands.join('\n') + '\n');
    });
    const failed = out.split('\n').find((l) => /\b(Error|Invalid|Could not connect)\b/i.test(l));
    if (code !== 0 || failed) {
      throw new P4labError(`${this.cli} (thrift port ${this.options.port}): ${failed?.trim() || err.trim() || `exit code ${code}`}`, 'is simple_switch running with this Thrift port?');
    }
    return out;
  }

  async registerRead(register: string, indexes: number[]): Promise<bigint[]> {
    const out = await this.run(indexes.map((i) => `register_read ${register} ${i}`));
    const values = [...out.matchAll(/\[(\d+)\]\s*=\s*(\d+)/g)].map((m) => BigInt(m[2]!));
    if (values.length !== indexes.length) throw new P4labError(`${this.cli}: could not read ${register}: unexpected output: ${out.trim().slice(0, 200)}`);
    return values;
  }

  /** Writes `[index, value]` cells in one CLI session. */
  async registerWrite(register: string, cells: ReadonlyArray<readonly [number, bigint]>): Promise<void> {
    await this.run(cells.map(([i, v]) => `register_write ${register} ${i} ${v}`));
  }

  async registerReset(register: string): Promise<void> {
    await this.run([`register_reset ${register}`]);
  }

  async setQueueRate(pps: number, port?: number): Promise<void> {
    await this.run([`set_queue_rate ${pps}${port === undefined ? '' : ` ${port}`}`]);
  }

  async setQueueDepth(packets: number, port?: number): Promise<void> {
    await this.run([`set_queue_depth ${packets}${port === undefined ? '' : ` ${port}`}`]);
  }
}
