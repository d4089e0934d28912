// A port's emulated link: the settings, their defaults and their validation.
import { P4labError } from '../../errors.js';

export type JitterDistribution = 'normal' | 'uniform';
export type LossModel = 'bernoulli' | 'gilbert-elliott';

export interface LinkConfig {
  delayUs: number; // constant one-way delay
  jitterUs: number; // normal: standard deviation; uniform: half-width around delayUs
  jitterDistribution: JitterDistribution;
  lossModel: LossModel;
  loss: number; // Bernoulli loss probability, 0..1
  // Gilbert–Elliott: transition probabilities per packet and loss in each state.
  geGoodToBad: number;
  geBadToGood: number;
  geLossGood: number;
  geLossBad: number;
  rateBps: number; // 0: unlimited
  queueLimit: number; // packets the link holds (delayed or waiting for the rate), tail drop beyond
  reorderProbability: number; // share of packets held back by reorderDelayUs more
  reorderDelayUs: number;
  seed: number; // of the loss, jitter and reorder draws
}

export const DEFAULT_LINK: Readonly<LinkConfig> = Object.freeze({
  delayUs: 0,
  jitterUs: 0,
  jitterDistribution: 'normal',
  lossModel: 'bernoulli',
  loss: 0,
  geGoodToBad: 0,
  geBadToGood: 1,
  geLossGood: 0,
  geLossBad: 1,
  rateBps: 0,
  queueLimit: 1000,
  reorderProbability: 0,
  reorderDelayUs: 0,
  seed: 1,
});

const PROBABILITIES = ['loss', 'geGoodToBad', 'geBadToGood', 'geLossGood', 'geLossBad', 'reorderProbability'] as const;
const NON_NEGATIVE = ['delayUs', 'jitterUs', 'rateBps', 'reorderDelayUs'] as const;
const MAX_QUEUE_LIMIT = 100_000;

/** `base` with `patch` applied; throws a P4labError naming the bad setting. */
export function mergeLinkConfig(base: LinkConfig, patch: Partial<LinkConfig>): LinkConfig {
  const next: LinkConfig = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LINK)) throw new P4labError(`unknown link setting '${key}'`, `use one of: ${Object.keys(DEFAULT_LINK).join(', ')}`);
    (next as unknown as Record<string, unknown>)[key] = value;
  }
  for (const key of PROBABILITIES) {
    if (!(next[key] >= 0 && next[key] <= 1)) throw new P4labError(`link setting ${key}=${next[key]} is not a probability`, 'give a number from 0 to 1');
  }
  for (const key of NON_NEGATIVE) {
    if (!(next[key] >= 0 && Number.isFinite(next[key]))) throw new P4labError(`link setting ${key}=${next[key]} is invalid`, 'give a finite number >= 0');
  }
  if (!Number.isInteger(next.queueLimit) || next.queueLimit < 1 || next.queueLimit > MAX_QUEUE_LIMIT) {
    throw new P4labError(`link setting queueLimit=${next.queueLimit} is invalid`, `give a whole number of packets from 1 to ${MAX_QUEUE_LIMIT}`);
  }
  if (!Number.isInteger(next.seed) || next.seed < 0 || next.seed > 0xffffffff) {
    throw new P4labError(`link setting seed=${next.seed} is invalid`, 'give a whole number from 0 to 4294967295');
  }
  if (next.jitterDistribution !== 'normal' && next.jitterDistribution !== 'uniform') {
    throw new P4labError(`link setting jitterDistribution='${next.jitterDistribution}' is unknown`, "use 'normal' or 'uniform'");
  }
  if (next.lossModel !== 'bernoulli' && next.lossModel !== 'gilbert-elliott') {
    throw new P4labError(`link setting lossModel='${next.lossModel}' is unknown`, "use 'bernoulli' or 'gilbert-elliott'");
  }
  return next;
}

/** Whether the link changes packets at all; an unimpaired port sends directly. */
export function isImpaired(c: LinkConfig): boolean {
  const lossy = c.lossModel === 'bernoulli' ? c.loss > 0 : c.geGoodToBad > 0 || c.geLossGood > 0;
  return c.delayUs > 0 || c.jitterUs > 0 || lossy || c.rateBps > 0 || (c.reorderProbability > 0 && c.reorderDelayUs > 0);
}

/** The settings that differ between two configurations. */
export function changedSettings(before: LinkConfig, after: LinkConfig): Array<keyof LinkConfig> {
  return (Object.keys(after) as Array<keyof LinkConfig>).filter((k) => before[k] !== after[k]);
}
