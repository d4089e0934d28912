// `p4lab switch` alone. A network starts one switch process per core, so its
// start-up is on the critical path of bring-up: the build bundles this entry
// into one file (dist/p4lab-switch.js, scripts/bundle-switch.mjs), which loads
// in about 90 ms less CPU than the ~200 modules it is made of.
import { registerSwitch } from './commands/switch.js';
import { newProgram, runProgram } from './program.js';

export async function main(argv: string[]): Promise<void> {
  const program = newProgram();
  registerSwitch(program);
  await runProgram(program, argv);
}
