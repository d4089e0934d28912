// The `p4lab` command line. Each command lives in commands/<name>.ts and adds
// itself to the program; this file only wires them. bin/p4lab.js starts
// `p4lab switch` from its own entry (switch-main.ts) instead.
import { newProgram, runProgram } from './program.js';
import { registerCommands } from './commands/index.js';

export async function main(argv: string[]): Promise<void> {
  const program = newProgram();
  registerCommands(program);
  await runProgram(program, argv);
}
