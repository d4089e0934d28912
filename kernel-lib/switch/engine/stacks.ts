// Header stack push/pop (shift elements, slots and validity together).

/** Copies element `from` of a stack onto element `to`. */
function move(F: Float64Array, V: Uint8Array, SB: Int32Array, SH: Int32Array, n: number, from: number, to: number): void {
  F.copyWithin(SB[to]!, SB[from]!, SB[from]! + n);
  V[SH[to]!] = V[SH[from]!]!;
}

export function stackPush(F: Float64Array, V: Uint8Array, N: Int32Array, s: number, SB: Int32Array, SH: Int32Array, n: number, count: number): void {
  const size = SH.length;
  for (let i = size - 1; i >= count; i--) move(F, V, SB, SH, n, i - count, i);
  for (let i = 0; i < Math.min(count, size); i++) V[SH[i]!] = 0;
  N[s] = Math.min(N[s]! + count, size);
}

export function stackPop(F: Float64Array, V: Uint8Array, N: Int32Array, s: number, SB: Int32Array, SH: Int32Array, n: number, count: number): void {
  const size = SH.length;
  for (let i = 0; i + count < size; i++) move(F, V, SB, SH, n, i + count, i);
  for (let i = Math.max(size - count, 0); i < size; i++) V[SH[i]!] = 0;
  N[s] = Math.max(N[s]! - count, 0);
}
