// p4c's STF conformance tests, run in process against p4lab's compiler and switch.
export { runStf, runStfFiles, runStfOnJson, type StfOptions, type StfResult, type StfExpectationResult, type StfPacket } from './run.js';
export { parseStf, type StfCommand } from './parse.js';
export { formatStfResult } from './report.js';
