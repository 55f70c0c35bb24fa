import { normalizeRows } from '../../../src/pipeline/source/normalize';
import { salesWithItems } from '../../../src/pipeline/source/live';
import { todaysSales } from '../../../src/bench/live-seed';
import { makeRow } from '../rows';

const templates = salesWithItems(normalizeRows(Array.from({ length: 50 }, (_, i) => makeRow({ line: i + 2, orderId: `O-${i}`, customerId: `C-${i}` }))).data);

describe('todaysSales', () => {
  const now = new Date(2026, 10, 30, 12, 45);
  const sales = todaysSales(templates, now, 300, 'run1');

  it('dates every sale today, from midnight to now, oldest first, each with its own id', () => {
    expect(sales).toHaveLength(300);
    expect(new Set(sales.map((s) => s.order_date))).toEqual(new Set(['2026-11-30']));
    const times = sales.map((s) => s.order_time);
    expect(times[0]).toBe('00:00');
    expect(times.at(-1)! <= '12:45').toBe(true);
    expect([...times].sort()).toEqual(times);
    expect(new Set(times.map((t) => t.slice(0, 2))).size).toBe(13);
    expect(new Set(sales.map((s) => s.sale_id)).size).toBe(300);
    for (const s of sales) expect(s.items.every((i) => i.sale_id === s.sale_id && i.order_date === '2026-11-30')).toBe(true);
  });

  it('copies sales from across the data set (every template once, here)', () => {
    expect(new Set(sales.map((s) => s.customer_id)).size).toBe(templates.length);
  });
});
