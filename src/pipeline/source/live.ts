/** Live sales for demos: new orders shaped like real ones, stamped with the current time. Pure given the random source. */
import type { ErpData, SaleWithItems } from '../core/entities';
import { paymentMethodFor } from './derive';

/** The sales with their lines, in sale order (normalisation emits lines grouped by sale). */
export function salesWithItems(data: ErpData): SaleWithItems[] {
  const bySale = new Map<string, SaleWithItems>();
  const out: SaleWithItems[] = [];
  for (const s of data.sales) {
    const full = { ...s, items: [] };
    bySale.set(s.sale_id, full);
    out.push(full);
  }
  for (const it of data.salesItems) bySale.get(it.sale_id)?.items.push(it);
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The calendar day of a moment where the sale happens (the machine's time zone), as YYYY-MM-DD: a live sale's date. */
export const localDate = (now: Date) => `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;

/** A new sale copied from a template: new id, today's date and time, same customer, place and lines. */
export function makeLiveSale(template: SaleWithItems, now: Date, seq: number, runId: string): SaleWithItems {
  const date = localDate(now);
  const shipDelta = Date.parse(template.ship_date) - Date.parse(template.order_date);
  const shipDate = new Date(Date.parse(date) + Math.max(0, shipDelta)).toISOString().slice(0, 10);
  const saleId = `LIVE-${date.replace(/-/g, '')}-${runId}-${seq}`;
  return {
    ...template,
    sale_id: saleId,
    order_date: date,
    order_time: `${pad(now.getHours())}:${pad(now.getMinutes())}`,
    ship_date: shipDate,
    payment_method: paymentMethodFor(saleId),
    items: template.items.map((it) => ({ ...it, sale_id: saleId, item_id: `${saleId}#${it.line}`, order_date: date })),
  };
}

