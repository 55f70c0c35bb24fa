/**
 * What a build recomputes. A full build covers everything; an incremental one only the partitions touched by sales
 * ingested after the last build's watermark: their days, months and years, and their customers.
 */
import type { Db } from 'mongodb';
import { collections, groupSums } from '../adapters/mongo';

export interface Scope {
  full: boolean;
  days: string[];
  months: string[];
  years: number[];
  customers: string[];
}

export const fullScope: Scope = { full: true, days: [], months: [], years: [], customers: [] };

export function scopeFromSales(sales: readonly { order_date: string; customer_id: string }[]): Scope {
  const days = new Set<string>();
  const customers = new Set<string>();
  for (const s of sales) {
    days.add(s.order_date);
    customers.add(s.customer_id);
  }
  const sortedDays = [...days].sort();
  return {
    full: false,
    days: sortedDays,
    months: [...new Set(sortedDays.map((d) => d.slice(0, 7)))],
    years: [...new Set(sortedDays.map((d) => Number(d.slice(0, 4))))],
    customers: [...customers].sort(),
  };
}

export function isEmptyScope(s: Scope): boolean {
  return !s.full && s.days.length === 0;
}

/** A `$match` restricting `field` to the scope's values, or none for a full build. */
export function matchIn(scope: Scope, field: string, values: readonly (string | number)[]): Record<string, unknown> | undefined {
  return scope.full ? undefined : { [field]: { $in: [...values] } };
}

/**
 * A `$match` restricting lines or sales to the scope's days: on lines through their (`order_month`, `order_date`)
 * index (one index serves a month's reads and a day's, and every index costs each insert, see docs/engine.md), on
 * sales through their month or day index. None for a full build.
 */
export function matchDays(scope: Scope): Record<string, unknown> | undefined {
  return scope.full ? undefined : { order_month: { $in: [...scope.months] }, order_date: { $in: [...scope.days] } };
}

/** The (order day, customer) pairs of the sales written to the lake after `since`. One grouping pass, in the database. */
export async function touchedSince(db: Db, since: Date): Promise<Scope> {
  const groups = await groupSums(db, collections.sales, { by: { d: 'order_date', c: 'customer_id' }, fields: [], match: { ingested_at: { $gt: since } } });
  const sales = [...groups.values()].map((g) => {
    const k = g.key as { d: string; c: string };
    return { order_date: k.d, customer_id: k.c };
  });
  return scopeFromSales(sales);
}
