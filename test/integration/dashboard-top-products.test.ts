/**
 * The historical page's top products follow the branch filter: ranked from `branch_products` (kept by the warehouse
 * build, full or incremental, equal to the lake's lines of the branch), titled with what they show.
 */
import type { Db } from 'mongodb';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { writeLake } from '../../src/pipeline/lake/write';
import { buildWarehouse, marts } from '../../src/pipeline/warehouse/build';
import { collections } from '../../src/pipeline/adapters/mongo';
import { historicalView, readKnown, readTopProducts, topProductsTitle } from '../../src/dashboard/historical';
import type { HistoricalFilter } from '../../src/dashboard/params';
import { createTestEnv, type TestEnv } from './helpers';
import { writeSuperstoreLake } from './superstore-lake';

const filter = (f: Partial<HistoricalFilter>): HistoricalFilter => ({ year: null, month: null, branch: null, category: null, ...f });

/** The top 10 products by profit of the lake's lines matching `match`, as [product_id, profit_e4]. */
async function lakeTop(db: Db, match: Record<string, unknown>): Promise<[string, number][]> {
  const rows = await db
    .collection(collections.salesItems)
    .aggregate<{ _id: string; profit_e4: number }>([{ $match: match }, { $group: { _id: '$product_id', profit_e4: { $sum: '$profit_e4' } } }, { $sort: { profit_e4: -1, _id: 1 } }, { $limit: 10 }])
    .toArray();
  return rows.map((r) => [r._id, r.profit_e4]);
}

const ranked = (docs: { product_id: string; profit_e4: number }[]) => docs.map((d) => [d.product_id, d.profit_e4]);

describe("the historical page's top products under a branch filter", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv('topbranch');
    await writeSuperstoreLake(env.mongo.db);
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it("are the branch's own products in the year, over all years, and within a category, as the lake's lines rank them", async () => {
    const db = env.mongo.db;
    expect(ranked(await readTopProducts(db, filter({ year: 2017, branch: 'BR-WEST' })))).toEqual(await lakeTop(db, { branch_id: 'BR-WEST', order_year: 2017 }));
    expect(ranked(await readTopProducts(db, filter({ branch: 'BR-EAST' })))).toEqual(await lakeTop(db, { branch_id: 'BR-EAST' }));
    expect(ranked(await readTopProducts(db, filter({ year: 2016, branch: 'BR-SOUTH', category: 'Technology' })))).toEqual(await lakeTop(db, { branch_id: 'BR-SOUTH', order_year: 2016, category: 'Technology' }));
    // Without a branch: the company's, as before.
    expect(ranked(await readTopProducts(db, filter({ year: 2017 })))).toEqual(await lakeTop(db, { order_year: 2017 }));
  });

  it('the chart title says the period, the branch and the category shown, and that a month ranks its whole year', async () => {
    const db = env.mongo.db;
    const known = await readKnown(db);
    const titles: string[] = [];
    const draw = async (name: string, spec: { title?: unknown }) => {
      if (name === 'products') titles.push(String(spec.title));
      return `<figure data-chart="${name}"></figure>`;
    };
    const view = await historicalView(db, filter({ year: 2017, month: 12, branch: 'BR-WEST' }), known, '', draw as never);
    expect(titles).toEqual(['Top products by profit, 2017 (whole year) · West · Los Angeles']);
    expect(view.html).toContain('within the branch and category chosen');
    expect(topProductsTitle(filter({}), null)).toBe('Top products by profit, all years · all branches');
    expect(topProductsTitle(filter({ year: 2016, category: 'Furniture' }), null)).toBe('Top products by profit, 2016 · all branches · Furniture');
  });

  it('an incremental build keeps branch_products equal to a full build of the same lake', async () => {
    const db = env.mongo.db;
    const data = (await loadErpData()).data;
    const template = salesWithItems(data).find((s) => s.branch_id === 'BR-WEST' && s.order_date.startsWith('2016-'))!;
    const late = { ...template, sale_id: `${template.sale_id}-late`, items: template.items.map((it) => ({ ...it, sale_id: `${template.sale_id}-late`, item_id: `${it.item_id}-late` })) };
    await writeLake(db, { products: [], customers: [], sales: [late] });
    const incremental = await buildWarehouse(db, { lateWriteMarginMs: 0 });
    expect(incremental.mode).toBe('incremental');
    const afterIncremental = await db.collection(marts.branchProducts).find().sort({ _id: 1 }).toArray();
    await buildWarehouse(db, { full: true });
    expect(await db.collection(marts.branchProducts).find().sort({ _id: 1 }).toArray()).toEqual(afterIncremental);
    const doc = afterIncremental.find((d) => String(d._id) === `2016|BR-WEST|${template.items[0]!.product_id}`)!;
    expect(doc.lines).toBeGreaterThanOrEqual(2);
  });
});
