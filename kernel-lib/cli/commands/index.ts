// Every CLI command, in the order `p4lab --help` lists them.
import type { Command } from 'commander';
import { registerCompile } from './compile.js';
import { registerStf } from './stf.js';
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
import { registerNotebook } from './notebook.js';
import { registerReplay } from './replay.js';
import { registerDiff } from './diff.js';
import { registerDemo } from './demo.js';

export function registerCommands(program: Command): void {
  registerCompile(program);
  registerStf(program);
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
  registerNotebook(program);
  registerReplay(program);
  registerDiff(program);
  registerDemo(program);
}
