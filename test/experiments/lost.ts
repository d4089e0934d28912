// For failure messages: when the lost packets of a flow were sent, and when the operations ran.
import type { ScenarioResult } from '../../kernel-lib/experiments/index.js';

export function lostSendTimes(r: ScenarioResult<unknown>, flow: number): string {
  const fl = r.packets.array('flow') as Uint32Array, lost = r.packets.array('lost') as Uint8Array, tx = r.packets.array('tx_ns') as Float64Array;
  const ms: number[] = [];
  for (let i = 0; i < fl.length; i++) if (fl[i] === flow && lost[i]) ms.push(Math.round(tx[i]! / 1e6));
  const ops = r.operations.map((o) => `${o.operation} at ${Math.round(Number(o.start_ns - r.startNs) / 1e6)}–${Math.round(Number(o.end_ns - r.startNs) / 1e6)} ms`);
  return `flow ${flow} lost ${ms.length} packets sent at ${ms.slice(0, 3).join(', ')} … ${ms.slice(-3).join(', ')} ms; ${ops.join('; ')}`;
}
