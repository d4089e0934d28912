// The P4Runtime client: connect to switches, write and read entities by name.
export { Switch, type SwitchOptions, type CompiledProgram, type QueueControl, type WriteOptions, type PipelineInfo } from './switch.js';
export { TableHandle } from './tables.js';
export { RegisterHandle, CounterHandle, MeterHandle, type IndexSelector } from './externs.js';
export { MulticastGroups, CloneSessions, type ReplicaInput, type ReplicaView, type CloneSessionInput, type CloneSessionView } from './replication.js';
export type { TableEntrySpec, TableEntryView, ParamsInput, CounterValue, MeterConfigInput, MeterConfigValue } from './table-entry.js';
export type { PacketIn, DigestList, IdleTimeout } from './stream-messages.js';
export { P4InfoIndex } from './p4info-index.js';
export { ThriftCli, type ThriftOptions } from './thrift-cli.js';
export type { Entity, Update, UpdateType } from './wire.js';
export { P4RuntimeArbitrationError, P4RuntimeConnectionError, P4RuntimeNameError, P4RuntimeRpcError, P4RuntimeValueError, P4RuntimeWriteError, type WriteFailure } from '../errors.js';
export { parseMatch, parseValue, formatMatch, formatValue, type MatchInput, type ParsedMatch, type ValueInput } from '../values.js';
export { runCommands, CLI_PRIORITY_BASE, type CommandResult } from '../runtime-cli.js';
