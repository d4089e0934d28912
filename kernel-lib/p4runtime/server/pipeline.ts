// The forwarding pipeline configs of the device: the running one and, between
// VERIFY_AND_SAVE and COMMIT, a saved one.
//
// Addressing the saved program: while a saved config is pending, Write and
// Read resolve ids against the *saved* P4Info and act on the saved program
// (the spec: after VERIFY_AND_SAVE, "subsequent read/write requests must refer
// to fields in the new config"). This is how program-reload migration fills
// the new program's tables and registers before the swap; COMMIT then makes it
// the running program between two packets. Multicast groups and clone
// sessions belong to the switch, not to a program, and survive COMMIT.
//
// Actions: VERIFY checks the JSON and that the P4Info matches it;
// VERIFY_AND_SAVE also builds the program aside; VERIFY_AND_COMMIT replaces
// the running program and clears all forwarding state; COMMIT swaps in the
// saved program keeping what was written to it; RECONCILE_AND_COMMIT is
// UNIMPLEMENTED (use VERIFY_AND_SAVE, write the state, then COMMIT).
// GetForwardingPipelineConfig reports the running config; before any is set it
// answers an empty config (as simple_switch_grpc started with --no-p4).
import * as grpc from '@grpc/grpc-js';
import type { Bmv2Json } from '../../bmv2/json-format.js';
import type { ControlPlane } from '../../switch/control-plane.js';
import type { Dataplane, VerifiedProgram } from '../../switch/engine/dataplane.js';
import type {
  ForwardingPipelineConfig,
  PipelineAction,
  PipelineResponseType,
  ValueSetEntry,
} from '../proto/messages.js';
import { PipelineInfo } from './pipeline-info.js';
import { RpcError, toRpcError } from './status.js';

/** A digest's DigestEntry.Config, validated. */
export interface DigestSettings {
  max_timeout_ns: bigint;
  max_list_size: number;
  ack_timeout_ns: bigint;
}

/** One pipeline config with the state the server keeps beside the dataplane's. */
export interface Pipeline {
  info: PipelineInfo;
  p4info: Record<string, unknown>; // as received, returned by Get
  deviceConfig: Buffer;
  cookie: string | undefined;
  /** TableEntry.metadata by entryKeyText, returned on Read. */
  entryMetadata: Map<string, Buffer>;
  /** Value set members as written, returned on Read (the dataplane keeps only value/mask). */
  valueSets: Map<number, NonNullable<ValueSetEntry['members']>>;
  digestConfigs: Map<number, DigestSettings>;
}

export class PipelineManager {
  private running: Pipeline | undefined;
  private saved: Pipeline | undefined;

  constructor(
    private readonly dataplane: Dataplane,
    /** Called after the running pipeline changed; `reloaded`: all forwarding state was cleared. */
    private readonly onRunningChanged: (pipeline: Pipeline, reloaded: boolean) => void,
  ) {}

  get current(): Pipeline | undefined {
    return this.running;
  }

  /** The pipeline Writes and Reads address: the saved one while it is pending. */
  target(): { pipeline: Pipeline; control: ControlPlane } {
    const pipeline = this.saved ?? this.running;
    if (!pipeline) throw new RpcError(grpc.status.FAILED_PRECONDITION, 'no forwarding pipeline is set: send SetForwardingPipelineConfig (VERIFY_AND_COMMIT) first');
    return { pipeline, control: this.dataplane.controlFor(this.saved ? 'saved' : 'running') };
  }

  set(action: PipelineAction | undefined, config: ForwardingPipelineConfig | undefined): void {
    switch (action) {
      case 'VERIFY':
        this.prepare(config);
        return;
      case 'VERIFY_AND_SAVE': {
        const pipeline = this.prepare(config);
        this.dataplane.saveProgram(pipeline.verified);
        this.saved = pipeline.pipeline;
        return;
      }
      case 'VERIFY_AND_COMMIT': {
        const pipeline = this.prepare(config);
        this.dataplane.loadProgram(pipeline.verified);
        this.saved = undefined;
        this.install(pipeline.pipeline, true);
        return;
      }
      case 'COMMIT': {
        if (config && (config.p4info || config.p4_device_config?.length)) {
          throw new RpcError(grpc.status.INVALID_ARGUMENT, 'COMMIT takes no config: it commits the one saved with VERIFY_AND_SAVE');
        }
        const saved = this.saved;
        if (!saved) throw new RpcError(grpc.status.FAILED_PRECONDITION, 'COMMIT: no saved config; send VERIFY_AND_SAVE with the new config first');
        this.dataplane.commitProgram();
        this.saved = undefined;
        this.install(saved, false);
        return;
      }
      case 'RECONCILE_AND_COMMIT':
        throw new RpcError(
          grpc.status.UNIMPLEMENTED,
          'RECONCILE_AND_COMMIT is not implemented by the p4lab switch; use VERIFY_AND_SAVE, write the state to carry over, then COMMIT',
        );
      default:
        throw new RpcError(grpc.status.INVALID_ARGUMENT, `SetForwardingPipelineConfig: action ${action ?? 'UNSPECIFIED'} is not valid; use VERIFY, VERIFY_AND_SAVE, VERIFY_AND_COMMIT or COMMIT`);
    }
  }

  get(responseType: PipelineResponseType | undefined): ForwardingPipelineConfig {
    const p = this.running;
    if (!p) return {};
    const cookie = p.cookie === undefined ? undefined : { cookie: p.cookie };
    switch (responseType ?? 'ALL') {
      case 'COOKIE_ONLY':
        return { cookie };
      case 'P4INFO_AND_COOKIE':
        return { p4info: p.p4info, cookie };
      case 'DEVICE_CONFIG_AND_COOKIE':
        return { p4_device_config: p.deviceConfig, cookie };
      case 'ALL':
        return { p4info: p.p4info, p4_device_config: p.deviceConfig, cookie };
      default:
        throw new RpcError(grpc.status.INVALID_ARGUMENT, `GetForwardingPipelineConfig: unknown response_type ${responseType}`);
    }
  }

  private install(pipeline: Pipeline, reloaded: boolean): void {
    this.running = pipeline;
    this.onRunningChanged(pipeline, reloaded);
  }

  /** Parses and verifies a config: BMv2 JSON accepted by the engine, P4Info matching it. */
  private prepare(config: ForwardingPipelineConfig | undefined): { pipeline: Pipeline; verified: VerifiedProgram } {
    if (!config) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'SetForwardingPipelineConfig: config is missing');
    if (!config.p4info) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'SetForwardingPipelineConfig: config.p4info is missing');
    const bytes = Buffer.from(config.p4_device_config ?? new Uint8Array());
    if (bytes.length === 0) {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, 'SetForwardingPipelineConfig: config.p4_device_config is empty; it must hold the BMv2 JSON text');
    }
    let json: Bmv2Json;
    try {
      json = JSON.parse(bytes.toString('utf8')) as Bmv2Json;
    } catch (e) {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, `p4_device_config is not BMv2 JSON: ${(e as Error).message}`);
    }
    if (typeof json !== 'object' || json === null || !Array.isArray(json.pipelines)) {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, 'p4_device_config is JSON but not a BMv2 program (no "pipelines" array)');
    }
    let verified: VerifiedProgram;
    try {
      verified = this.dataplane.verifyProgram(json);
    } catch (e) {
      const err = toRpcError(e, 'p4_device_config');
      throw err.code === grpc.status.INTERNAL ? new RpcError(grpc.status.INVALID_ARGUMENT, `p4_device_config is rejected by the switch: ${(e as Error).message}`) : err;
    }
    const p4info = config.p4info as Record<string, unknown>;
    const pipeline: Pipeline = {
      info: new PipelineInfo(p4info, json),
      p4info,
      deviceConfig: bytes,
      cookie: config.cookie ? String(config.cookie.cookie ?? '0') : undefined,
      entryMetadata: new Map(),
      valueSets: new Map(),
      digestConfigs: new Map(),
    };
    return { pipeline, verified };
  }
}
