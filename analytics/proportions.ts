import { errorFunction, probit } from 'simple-statistics';

/** Conversions out of entries. */
export interface Proportion {
  conversions: number;
  entries: number;
}

export interface Comparison {
  /** Treatment rate minus control rate. */
  uplift: number;
  /** Uplift over the control rate (undefined when the control converted nobody). */
  relativeUplift?: number;
  /** Pooled two-proportion z statistic. */
  z: number;
  /** Two-sided p-value of the z-test: how often a difference this large appears when there is none. */
  pValue: number;
  /** Confidence interval of the uplift (unpooled standard error), at the level asked for. */
  interval: [number, number];
}

export const rate = (p: Proportion): number => (p.entries === 0 ? 0 : p.conversions / p.entries);

/** The standard normal distribution function, Φ(x). */
export function normalCdf(x: number): number {
  return 0.5 * (1 + errorFunction(x / Math.SQRT2));
}

/**
 * The standard normal quantile, Φ⁻¹(p): simple-statistics' `probit` (about 3e-3 off at 0.975), refined by Newton's
 * method on its accurate `errorFunction` to better than 1e-6.
 */
export function normalQuantile(p: number): number {
  let x = probit(p);
  for (let i = 0; i < 3; i++) x -= (normalCdf(x) - p) / (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI));
  return x;
}

/**
 * Two-proportion z-test of a treatment against a control (the holdout): pooled standard error for the test, unpooled
 * for the interval. Undefined while either side has no entries (nothing to compare yet).
 */
export function compareProportions(treatment: Proportion, control: Proportion, level = 0.95): Comparison | undefined {
  if (treatment.entries === 0 || control.entries === 0) return undefined;
  const p1 = rate(treatment);
  const p0 = rate(control);
  const pooled = (treatment.conversions + control.conversions) / (treatment.entries + control.entries);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / treatment.entries + 1 / control.entries));
  const uplift = p1 - p0;
  const z = pooledSe === 0 ? 0 : uplift / pooledSe;
  const pValue = pooledSe === 0 ? 1 : Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  const se = Math.sqrt((p1 * (1 - p1)) / treatment.entries + (p0 * (1 - p0)) / control.entries);
  const half = normalQuantile(1 - (1 - level) / 2) * se;
  return {
    uplift,
    ...(p0 > 0 ? { relativeUplift: uplift / p0 } : {}),
    z,
    pValue,
    interval: [uplift - half, uplift + half],
  };
}
