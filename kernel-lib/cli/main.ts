// The `p4lab` command line. Each command lives in commands/<name>.ts and adds
// itself to the program; this file only wires them and reports errors.
import { Command, CommanderError } from 'commander';
import { P4labError } from '../errors.js';
import { VERSION } from '../version.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('p4lab')
    .description('P4 and NFV experiments: compile P4-16, run switches, emulate networks, measure, report.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // `p4lab switch` starts once per switch of a network: it loads no other command.
  if (argv[2] === 'switch') (await import('./commands/switch.js')).registerSwitch(program);
  else (await import('./commands/index.js')).registerCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode; // commander already printed it
  if (err instanceof P4labError) {
    console.error(`p4lab: ${err.describe()}`);
    return 1;
  }
  console.error(`p4lab: internal error: ${err instanceof Error ? err.stack : String(err)}`);
  return 70;
}
