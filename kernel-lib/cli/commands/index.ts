// Every CLI command, in the order `p4lab --help` lists them.
import type { Command } from 'commander';
import { registerCompile } from './compile.js';
import { registerSwitch } from './switch.js';
import { registerRuntime } from './runtime.js';
import { registerUp } from './up.js';
import { registerDown } from './down.js';
import { registerInspect } from './inspect.js';
import { registerExec } from './exec.js';
import { registerGraph } from './graph.js';
import { registerCleanup } from './cleanup.js';
import { registerImages } from './images.js';
import { registerAnalyze } from './analyze.js';

export function registerCommands(program: Command): void {
  registerCompile(program);
  registerSwitch(program);
  registerRuntime(program);
  registerUp(program);
  registerDown(program);
  registerInspect(program);
  registerExec(program);
  registerGraph(program);
  registerCleanup(program);
  registerImages(program);
  registerAnalyze(program);
}
