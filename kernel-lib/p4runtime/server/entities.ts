// Write and Read of entities: one dispatch per entity kind. Program entities
// resolve against the pipeline Writes address (the saved one while pending,
// see pipeline.ts); replication entities go to the switch.
import * as grpc from '@grpc/grpc-js';
import type { Entity, UpdateType } from '../proto/messages.js';
import type { DigestService } from './digests.js';
import { readCounters, readMeters, readRegisters, writeCounter, writeMeter, writeRegister } from './externs.js';
import type { PipelineManager } from './pipeline.js';
import type { ReplicationService } from './replication.js';
import { RpcError } from './status.js';
import {
  readDirectCounters,
  readDirectMeters,
  readTableEntries,
  writeDirectCounter,
  writeDirectMeter,
  writeTableEntry,
} from './table-entries.js';
import { readValueSets, writeValueSet } from './value-sets.js';

export interface EntityServices {
  pipelines: PipelineManager;
  replication: ReplicationService;
  digests: DigestService;
}

function unsupported(kind: string): RpcError {
  if (kind === 'action_profile_member' || kind === 'action_profile_group') {
    return new RpcError(grpc.status.UNIMPLEMENTED, `${kind}: action profiles are not supported by the p4lab switch; use tables with direct actions`);
  }
  if (kind === 'extern_entry') return new RpcError(grpc.status.UNIMPLEMENTED, 'extern_entry: v1model has no architecture-specific externs over P4Runtime');
  return new RpcError(grpc.status.INVALID_ARGUMENT, 'entity: no entity kind is set (table_entry, counter_entry, register_entry, …)');
}

export function writeEntity(s: EntityServices, type: UpdateType | undefined, entity: Entity | undefined): void {
  const kind = entity?.entity;
  if (!entity || !kind) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'update: entity is missing or has no kind set');
  if (kind === 'packet_replication_engine_entry') return s.replication.write(type, entity.packet_replication_engine_entry ?? {});
  const target = () => s.pipelines.target();
  switch (kind) {
    case 'table_entry':
      return writeTableEntry(target(), type, entity.table_entry ?? {});
    case 'direct_counter_entry':
      return writeDirectCounter(target(), type, entity.direct_counter_entry ?? {});
    case 'direct_meter_entry':
      return writeDirectMeter(target(), type, entity.direct_meter_entry ?? {});
    case 'register_entry':
      return writeRegister(target(), type, entity.register_entry ?? {});
    case 'counter_entry':
      return writeCounter(target(), type, entity.counter_entry ?? {});
    case 'meter_entry':
      return writeMeter(target(), type, entity.meter_entry ?? {});
    case 'value_set_entry':
      return writeValueSet(target(), type, entity.value_set_entry ?? {});
    case 'digest_entry':
      return s.digests.write(target().pipeline, type, entity.digest_entry ?? {});
    default:
      throw unsupported(kind);
  }
}

/**
 * The entities a Read entity addresses, checked now. The indexed externs'
 * cells are read as the caller iterates; the other kinds are read at once.
 */
export function readEntity(s: EntityServices, entity: Entity): Iterable<Entity> {
  const kind = entity.entity;
  if (!kind) throw unsupported('');
  const target = () => s.pipelines.target();
  switch (kind) {
    case 'register_entry':
      return readRegisters(target(), entity.register_entry ?? {});
    case 'counter_entry':
      return readCounters(target(), entity.counter_entry ?? {});
    case 'meter_entry':
      return readMeters(target(), entity.meter_entry ?? {});
  }
  const out: Entity[] = [];
  switch (kind) {
    case 'packet_replication_engine_entry':
      s.replication.read(entity.packet_replication_engine_entry ?? {}, out);
      break;
    case 'table_entry':
      readTableEntries(target(), entity.table_entry ?? {}, out);
      break;
    case 'direct_counter_entry':
      readDirectCounters(target(), entity.direct_counter_entry ?? {}, out);
      break;
    case 'direct_meter_entry':
      readDirectMeters(target(), entity.direct_meter_entry ?? {}, out);
      break;
    case 'value_set_entry':
      readValueSets(target(), entity.value_set_entry ?? {}, out);
      break;
    case 'digest_entry':
      s.digests.read(target().pipeline, entity.digest_entry ?? {}, out);
      break;
    default:
      throw unsupported(kind);
  }
  return out;
}
