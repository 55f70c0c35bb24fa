/**
 * Money is exact: amounts are carried as integer "units" of 1/10,000 (the Superstore has 4 decimals)
 * and summed as integers, so totals never drift. Convert back to a number once, at the end.
 */
export const UNITS_PER_CURRENCY = 10_000;

/** An amount as an integer count of 1/10,000. Rounds half away from zero at the 5th decimal. */
export function toUnits(amount: number): number {
  const scaled = amount * UNITS_PER_CURRENCY;
  return Math.sign(scaled) * Math.round(Math.abs(scaled));
}

export function fromUnits(units: number): number {
  return units / UNITS_PER_CURRENCY;
}

/** Exact sum of amounts (each taken at 4 decimals). */
export function sumMoney(amounts: Iterable<number>): number {
  let units = 0;
  for (const a of amounts) units += toUnits(a);
  return fromUnits(units);
}

/** Round to cents, half away from zero, without the 1.005 → 1.00 float trap. */
export function roundCents(amount: number): number {
  const units = toUnits(amount);
  const cents = Math.sign(units) * Math.round(Math.abs(units) / 100);
  return cents / 100;
}

/** Round to n decimals (for ratios and prices), half away from zero. */
export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * f + Number.EPSILON)) / f;
}
