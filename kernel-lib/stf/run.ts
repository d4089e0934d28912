// Runs an STF test in process: compile the program with p4lab's compiler,
// load it into a Dataplane, apply the control-plane commands, send each
// packet through the whole pipeline, then compare what every port sent with
// the expectations, per port and in order, as p4c's BMv2 runner does.
import { readFileSync } from 'node:fs';
import type { Bmv2Json } from '../bmv2/json-format.js';
import { compileP4 } from '../compiler/index.js';
import { P4labError } from '../errors.js';
import { Dataplane, type DataplaneOptions } from '../switch/engine/dataplane.js';
import { parseStf, stfError, type StfCommand } from './parse.js';
import { ControlState } from './control.js';
import { compareExpectations, type StfExpectationResult, type StfPacket } from './compare.js';

export type { StfExpectationResult, StfPacket } from './compare.js';

export interface StfOptions {
  /** Names the program in diagnostics and anchors its relative #includes. */
  programFile?: string;
  /** Names the STF file in errors. */
  stfFile?: string;
  includeDirs?: string[];
  defines?: Record<string, string>;
  dataplane?: DataplaneOptions;
  /** Runs after the program is loaded and before the first command, e.g. to write registers. */
  setup?: (dp: Dataplane) => void;
}

export interface StfResult {
  ok: boolean;
  expectations: StfExpectationResult[];
  /** Packets sent on a checked port beyond what its expectations cover. */
  unexpected: StfPacket[];
  /** Packets on ports no STF command mentions: p4c's runner does not capture those ports. */
  unchecked: StfPacket[];
  /** Run-time faults of the program (the packets they hit were dropped). */
  faults: string[];
}

/** Compiles `source` and runs the STF text against it; compile errors throw, with p4c-style diagnostics. */
export function runStf(source: string, stf: string, options: StfOptions = {}): StfResult {
  const compiled = compileP4(source, {
    ...(options.programFile !== undefined ? { file: options.programFile } : {}),
    includeDirs: options.includeDirs ?? [],
    defines: options.defines ?? {},
  });
  if (!compiled.ok) throw new P4labError(`${options.programFile ?? 'program'} does not compile:\n${compiled.formatted}`, 'fix the program; the STF test needs it compiled');
  return runStfOnJson(compiled.bmv2, stf, options);
}

/** runStf for files on disk. */
export function runStfFiles(programFile: string, stfFile: string, options: Omit<StfOptions, 'programFile' | 'stfFile'> = {}): StfResult {
  return runStf(readFileSync(programFile, 'utf8'), readFileSync(stfFile, 'utf8'), { ...options, programFile, stfFile });
}

/** Runs the STF text against an already compiled program. */
export function runStfOnJson(json: Bmv2Json, stf: string, options: StfOptions = {}): StfResult {
  const commands = parseStf(stf, options.stfFile ?? 'test.stf');
  const dp = new Dataplane(options.dataplane ?? {});
  dp.loadProgram(json);
  options.setup?.(dp);
  const sent = new Map<number, StfPacket[]>();
  dp.onTransmit((port, data, length) => {
    let list = sent.get(port);
    if (!list) sent.set(port, (list = []));
    list.push({ port, index: list.length, data: data.slice(0, length) });
  });
  const control = new ControlState(dp, json);
  const faults: string[] = [];
  for (const c of commands) {
    if (c.kind === 'packet') {
      const before = dp.stats().drops.pipelineFault;
      dp.receive(c.port, c.data);
      drain(dp, c);
      if (dp.stats().drops.pipelineFault > before) faults.push(`${c.file}:${c.line}: packet on port ${c.port}: ${dp.lastFault() ?? 'run-time fault'}`);
    } else if (c.kind !== 'expect') {
      control.apply(c);
    }
  }
  const expects = commands.filter((c): c is Extract<StfCommand, { kind: 'expect' }> => c.kind === 'expect');
  const mentioned = new Set(commands.flatMap((c) => (c.kind === 'packet' || c.kind === 'expect' ? [c.port] : [])));
  const { expectations, unexpected } = compareExpectations(expects, sent, mentioned);
  const unchecked = [...sent.entries()].filter(([port]) => !mentioned.has(port)).flatMap(([, list]) => list);
  return { ok: faults.length === 0 && unexpected.length === 0 && expectations.every((e) => e.ok), expectations, unexpected, unchecked, faults };
}

/** Runs the switch until the packet and everything it caused (clones, copies, recirculations) has left. */
function drain(dp: Dataplane, c: StfCommand): void {
  for (let round = 0; round < 10_000; round++) {
    if (dp.service() < 0) return;
  }
  throw stfError(c, 'the switch is still busy after 10000 rounds (a recirculation loop, or a queue rate set)');
}
