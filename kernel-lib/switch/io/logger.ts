// The switch's log: levels as simple_switch names them, written to stderr or a
// file. Packet-path code checks `enabled(level)` before building a message.
import { appendFileSync } from 'node:fs';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'off'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class Logger {
  private readonly threshold: number;

  constructor(level: LogLevel, private readonly file?: string) {
    this.threshold = LOG_LEVELS.indexOf(level);
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= this.threshold && level !== 'off';
  }

  trace(message: string): void {
    this.write('trace', message);
  }
  debug(message: string): void {
    this.write('debug', message);
  }
  info(message: string): void {
    this.write('info', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  error(message: string): void {
    this.write('error', message);
  }

  private write(level: LogLevel, message: string): void {
    if (!this.enabled(level)) return;
    const line = `${new Date().toISOString()} [${level}] ${message}\n`;
    if (this.file) appendFileSync(this.file, line);
    else process.stderr.write(line);
  }
}
