/** The headline figures a run printed (revenue, profit, margin, orders), kept on its record for "what changed". */
import type { Db } from 'mongodb';
import { fromUnits, roundCents } from '../../pipeline/core/money';
import { marts } from '../../pipeline/warehouse/build';
import type { DailyDoc } from '../../pipeline/warehouse/daily';
import { ratio } from '../../pipeline/warehouse/measures';
import { branchTotals } from '../branch';
import type { Kpi } from '../data';
import type { DateRange } from '../period';
import type { HeadlineFigures } from './record';

/** From the executive report's key figures. */
export function figuresOfKpis(kpis: readonly Kpi[]): HeadlineFigures {
  const v = (key: string) => kpis.find((k) => k.key === key)?.value ?? null;
  return { revenue: v('revenue'), profit: v('profit'), margin: v('margin'), orders: v('orders') };
}

/** A period's figures from the daily mart, of one branch or of all: what a notebook report of that period shows. */
export async function figuresOfPeriod(db: Db, period: DateRange, branchId: string | null): Promise<HeadlineFigures> {
  const days = await db.collection<DailyDoc>(marts.daily).find({ date: { $gte: period.from, $lte: period.to } }).toArray();
  const t = branchTotals(days, branchId, period);
  return { revenue: roundCents(fromUnits(t.revenue_e4)), profit: roundCents(fromUnits(t.profit_e4)), margin: ratio(t.profit_e4, t.revenue_e4), orders: t.orders };
}
