/** Percentiles and summaries over raw samples (milliseconds), exact rather than bucketed. */

export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** The nearest-rank percentile of ascending `sorted` (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  return {
    samples: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function mean(values: number[]): number {
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : NaN;
}

/** Rounded for the table and the JSON: figures are not more precise than this. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Bytes as KB of 1024, one decimal, as the report and targets show them. */
export function kb(bytes: number): number {
  return round(bytes / 1024, 1);
}

/** a / b with `digits` decimals, for "× floor" columns. */
export function ratio(a: number, b: number, digits = 2): string {
  return (a / b).toFixed(digits);
}
