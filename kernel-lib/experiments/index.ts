// P4NFV runtime reconfiguration and NF migration: the management entity,
// the experiments' topologies and their scenario runners.
export { NfManager, type ManagerOptions, type MigrateOptions, type OperationResult } from './manager.js';
export { flowSlot, NF_FLAG, FLOW_SLOTS, PROGRAMS, type NfConfig, type NfKind, type NatRule, type FlowKey, type Method } from './nf.js';
export { readFirewallState, writeFirewallState, blockedSlots, blockSlots, type FirewallState } from './firewall-state.js';
export { routeEntries } from './routes.js';
export type { Step } from './steps.js';
export { threeTierTopology, twoNodeTopology, type TopologyOptions } from './topologies.js';
export { readCapturedPackets, type CapturedPacket } from './captured-sources.js';
export { latencyImpact, type LatencyImpact, type ImpactWindow } from './latency-impact.js';
export { operationMarks, type ScenarioResult } from './scenario-run.js';
export {
  runNatMigration, runFirewallMigration, runTwoNodeMigration, NAT_PUBLIC,
  type NatMigrationOptions, type NatMigrationMetrics, type FirewallMigrationOptions, type FirewallMigrationMetrics, type TwoNodeOptions, type TwoNodeMetrics,
} from './scenarios.js';
export { flatMetrics, meanCiTable, loadReference, referenceValue, type Row } from './summary.js';
export { runLegacyMigration, type LegacyMigrationOptions, type LegacyMigrationMetrics } from './legacy.js';
