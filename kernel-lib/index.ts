// p4lab's public API, as notebooks and scripts import it.
export { P4labError } from './errors.js';
export { VERSION } from './version.js';
export { compileP4, compileP4File, bmv2JsonText, p4infoToText, p4infoToBinary, p4infoFromBinary, type CompileOptions, type CompileResult } from './compiler/index.js';
export type * as P4InfoTypes from './p4info/types.js';
export { runStf, runStfFiles, runStfOnJson, parseStf, formatStfResult, type StfOptions, type StfResult, type StfExpectationResult, type StfPacket, type StfCommand } from './stf/index.js';
export { parseP4, type ParseOptions, type ParseResult } from './compiler/parser.js';
export { Diagnostics, SourceFiles, formatDiagnostic, formatDiagnostics, type Diagnostic, type Severity } from './compiler/diagnostics.js';
export { TargetClient, TargetCallError, waitForSwitch, type LinkConfig, type LinkChange, type LinkDirection, type QueueSetting, type PortStatsView, type ClockView } from './switch/target/client.js';
export * from './p4runtime/client/index.js';
export * from './traffic/index.js';
export * from './events/index.js';
export * from './analysis/index.js';
export * from './plots/index.js';
export { Dataplane, type DataplaneOptions, type DataplaneStats, type DropStats, type PortStats } from './switch/engine/dataplane.js';
export * from './emulation/index.js';
export * from './reports/index.js';
export * from './notebooks/index.js';
export * from './experiments/index.js';
