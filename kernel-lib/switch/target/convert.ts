// Link settings between their TypeScript form (link/config.ts) and the
// target service's LinkConfig message.
import type { JitterDistribution, LinkConfig, LossModel } from '../link/config.js';

/** The LinkConfig message as grpc-js hands it over (unset fields absent). */
export interface LinkConfigMessage {
  delay_us?: number;
  jitter_us?: number;
  jitter_distribution?: 'NORMAL' | 'UNIFORM';
  loss_model?: 'BERNOULLI' | 'GILBERT_ELLIOTT';
  loss?: number;
  ge_good_to_bad?: number;
  ge_bad_to_good?: number;
  ge_loss_good?: number;
  ge_loss_bad?: number;
  rate_bps?: number;
  queue_limit?: number;
  reorder_probability?: number;
  reorder_delay_us?: number;
  seed?: number;
}

const FIELDS: Array<[keyof LinkConfig, keyof LinkConfigMessage]> = [
  ['delayUs', 'delay_us'],
  ['jitterUs', 'jitter_us'],
  ['jitterDistribution', 'jitter_distribution'],
  ['lossModel', 'loss_model'],
  ['loss', 'loss'],
  ['geGoodToBad', 'ge_good_to_bad'],
  ['geBadToGood', 'ge_bad_to_good'],
  ['geLossGood', 'ge_loss_good'],
  ['geLossBad', 'ge_loss_bad'],
  ['rateBps', 'rate_bps'],
  ['queueLimit', 'queue_limit'],
  ['reorderProbability', 'reorder_probability'],
  ['reorderDelayUs', 'reorder_delay_us'],
  ['seed', 'seed'],
];

const JITTER: Record<JitterDistribution, 'NORMAL' | 'UNIFORM'> = { normal: 'NORMAL', uniform: 'UNIFORM' };
const LOSS: Record<LossModel, 'BERNOULLI' | 'GILBERT_ELLIOTT'> = { bernoulli: 'BERNOULLI', 'gilbert-elliott': 'GILBERT_ELLIOTT' };

export function linkToMessage(config: Partial<LinkConfig>): LinkConfigMessage {
  const out: Record<string, unknown> = {};
  for (const [key, field] of FIELDS) {
    const value = config[key];
    if (value === undefined) continue;
    if (key === 'jitterDistribution') out[field] = JITTER[value as JitterDistribution];
    else if (key === 'lossModel') out[field] = LOSS[value as LossModel];
    else out[field] = value;
  }
  return out as LinkConfigMessage;
}

export function linkFromMessage(message: LinkConfigMessage | undefined): Partial<LinkConfig> {
  const out: Record<string, unknown> = {};
  if (!message) return out;
  for (const [key, field] of FIELDS) {
    const value = message[field];
    if (value === undefined || value === null) continue;
    if (key === 'jitterDistribution') out[key] = value === 'UNIFORM' ? 'uniform' : 'normal';
    else if (key === 'lossModel') out[key] = value === 'GILBERT_ELLIOTT' ? 'gilbert-elliott' : 'bernoulli';
    else out[key] = value;
  }
  return out as Partial<LinkConfig>;
}

export function linkFieldName(key: keyof LinkConfig): string {
  return FIELDS.find(([k]) => k === key)![1];
}
