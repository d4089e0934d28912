// Notebook parameters: a notebook declares its defaults with notebookParams();
// `p4lab notebook run --param k=v` passes overrides through the environment
// (P4LAB_PARAMS, a JSON object), and the values used are remembered for the
// report's manifest so `p4lab replay` can run the notebook again with them.
import { P4labError } from '../errors.js';

/** JSON object of parameter overrides, set by the runner for the kernel. */
export const PARAMS_ENV = 'P4LAB_PARAMS';
/** Absolute path of the notebook being run, set by the runner. */
export const NOTEBOOK_ENV = 'P4LAB_NOTEBOOK';
/** Directory the notebook's report goes to, set by the runner (--report). */
export const REPORT_DIR_ENV = 'P4LAB_REPORT_DIR';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

let recorded: Params | undefined;

/**
 * The notebook's parameters: `defaults`, with the runner's overrides merged
 * over them. Every override must name a default and keep its type, so a typo
 * on the command line fails here instead of silently running the defaults.
 */
export function notebookParams<P extends Params>(defaults: P): P {
  const overrides = readOverrides();
  const merged: Params = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in defaults)) {
      throw new P4labError(`unknown notebook parameter "${key}"`, `this notebook takes: ${Object.keys(defaults).join(', ') || '(none)'}`);
    }
    merged[key] = coerce(key, value, defaults[key]!);
  }
  recorded = merged;
  return merged as P;
}

/** The parameters the notebook last asked for (for reports); undefined when it asked for none. */
export function recordedParams(): Params | undefined {
  return recorded === undefined ? undefined : { ...recorded };
}

function readOverrides(): Record<string, unknown> {
  const text = process.env[PARAMS_ENV];
  if (text === undefined || text === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new P4labError(`${PARAMS_ENV} is not JSON`, 'pass parameters with `p4lab notebook run NB --param key=value`');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new P4labError(`${PARAMS_ENV} must be a JSON object of parameters`);
  }
  return raw as Record<string, unknown>;
}

/** Values from the command line arrive as strings; convert them to the default's type. */
export function coerce(key: string, value: unknown, like: ParamValue): ParamValue {
  const bad = () => new P4labError(`parameter "${key}" must be a ${typeof like}, got ${JSON.stringify(value)}`, `its default is ${JSON.stringify(like)}`);
  if (typeof value === typeof like) {
    if (typeof value === 'number' && !Number.isFinite(value)) throw bad();
    return value as ParamValue;
  }
  if (typeof value !== 'string') throw bad();
  if (typeof like === 'number') {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw bad();
    return n;
  }
  if (typeof like === 'boolean') {
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw bad();
  }
  return value;
}
