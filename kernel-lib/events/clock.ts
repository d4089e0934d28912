// Realtime nanoseconds on CLOCK_REALTIME, the clock the traffic tools stamp
// packets with, so events and packet traces line up without conversion.
// Date.now() has only millisecond resolution; performance.timeOrigin is the
// realtime instant (µs resolution) the monotonic performance.now() counts from.

const originNs =
  BigInt(Math.floor(performance.timeOrigin)) * 1_000_000n +
  BigInt(Math.round((performance.timeOrigin % 1) * 1e6));

export function realtimeNs(): bigint {
  return originNs + BigInt(Math.round(performance.now() * 1e6));
}
