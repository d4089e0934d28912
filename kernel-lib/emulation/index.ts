// Topology emulation: the public API notebooks and scripts use.
export { Network, type NetworkOptions, type HostOptions, type LinkOptions, type Host } from './network.js';
export { Link, type LinkEnd } from './link.js';
export type { LinkEmulation } from './link-params.js';
export { NetnsHost } from './hosts/netns-host.js';
export { DockerHost } from './hosts/docker-host.js';
export type { EmuHost, ExecOptions, ExecResult, HostProcess } from './hosts/host.js';
export { P4SwitchNode, type P4SwitchOptions } from './switch-node.js';
export { TopologyView, type ViewNode, type ViewLink } from './topology-view.js';
export { loadTopology, parseTopology, networkFromTopology, type TopologySpec, type NodeSpec, type LinkSpec } from './topology-file.js';
export { topologySvg } from './graph.js';
export { cleanup as cleanupNetwork, findLeftovers, type Leftovers } from './cleanup.js';
export { buildImage, loadRecipe, recipeNames, type ImageRecipe } from './docker/images.js';
export { readState, runningNetworks, type NetworkState } from './state.js';
export { waitForLine } from './wait-for-line.js';
export type { AddressingStrategy, HostAddress } from './addressing.js';
