// The `p4lab` program: its name, version and error reporting, shared by the
// whole command line (main.ts) and the switch's own entry (switch-main.ts).
import { Command, CommanderError } from 'commander';
import { P4labError } from '../errors.js';
import { VERSION } from '../version.js';

export function newProgram(): Command {
  return new Command('p4lab')
    .description('P4 and NFV experiments: compile P4-16, run switches, emulate networks, measure, report.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}

/** Runs the command argv names; errors become a message and an exit code, never a stack trace for bad input. */
export async function runProgram(program: Command, argv: string[]): Promise<void> {
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
