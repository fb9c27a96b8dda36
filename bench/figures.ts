/**
 * What every benchmark here prints the same way: medians of repeated runs,
 * and ratios taken pair by pair (A and B measured back to back, so that the
 * shared machine's noise falls on both), with the median of those ratios.
 * Never a pass/fail on an absolute time: the target is printed beside the figure.
 */

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Milliseconds a piece of work took, with its value. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await work();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

/** `label: median 1.84× (pairs 1.80× 1.91× …; target ≤ 2×)`. */
export function ratioLine(label: string, ratios: number[], target: string, format: (ratio: number) => string = (r) => `${r.toFixed(2)}×`): string {
  return `${label}: median ${format(median(ratios))} (per pair ${ratios.map(format).join(' ')}; ${target})`;
}
