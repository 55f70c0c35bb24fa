/**
 * A period's report uses only the data up to its end: the report of November 2016 built from the whole Superstore
 * lake is the one built from a lake that stops on 2016-11-30 (the model and the lineage aside, which are about the
 * whole lake). Real MongoDB-wire engine, two databases.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from 'mongodb';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { writeLake } from '../../src/pipeline/lake/write';
import type { ErpData, SaleWithItems } from '../../src/pipeline/core/entities';
import { buildWarehouse } from '../../src/pipeline/warehouse/build';
import { loadReportData, type ReportData } from '../../src/reports/data';
import { parsePeriod, type Period } from '../../src/reports/period';
import { createTestEnv, type TestEnv } from './helpers';

const cut = '2016-11-30';

async function fillLake(db: Db, data: ErpData, sales: readonly SaleWithItems[]) {
  await writeLake(db, { products: data.products, customers: data.customers, sales: [] });
  for (let i = 0; i < sales.length; i += 1000) await writeLake(db, { products: [], customers: [], sales: sales.slice(i, i + 1000) });
  await buildWarehouse(db, { full: true });
}

/** What the period's data says, without the parts about the whole lake (the model, the lineage) or the run. */
function asOfPart(d: ReportData) {
  const { reco: _reco, lineage: _lineage, generatedAt: _generatedAt, database: _database, ...rest } = d;
  return rest;
}

describe('a report as of its period end', () => {
  let full: TestEnv;
  let upToCut: TestEnv;
  let sales: SaleWithItems[];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-as-of-'));
  const load = (env: TestEnv, period: Period) => loadReportData({ db: env.mongo.db, period, modelsDir: dir, dataDir: dir, source: 'superstore.csv (test)', now: new Date('2026-01-01T00:00:00Z') });

  beforeAll(async () => {
    [full, upToCut] = await Promise.all([createTestEnv('asof-full'), createTestEnv('asof-cut')]);
    const data = (await loadErpData()).data;
    sales = salesWithItems(data);
    await fillLake(full.mongo.db, data, sales);
    await fillLake(upToCut.mongo.db, data, sales.filter((s) => s.order_date <= cut));
  });
  afterAll(async () => {
    await full?.cleanup();
    await upToCut?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the November 2016 report from the whole lake equals the one from a lake cut at 2016-11-30', async () => {
    const november = parsePeriod('2016-11');
    const [whole, cutOnly] = await Promise.all([load(full, november), load(upToCut, november)]);
    expect(whole.empty).toBe(false);
    expect(asOfPart(whole)).toEqual(asOfPart(cutOnly));
  });

  it('the November 2016 RFM table counts every customer who had ordered by 2016-11-30, and New is the new-customers figure', async () => {
    const d = await load(full, parsePeriod('2016-11'));
    const newCustomers = d.kpis.find((k) => k.key === 'new_customers')!.value;
    expect(newCustomers).toBeGreaterThan(0);
    expect(d.rfm.find((r) => r.segment === 'New')?.customers).toBe(newCustomers);
    const ordered = new Set(sales.filter((s) => s.order_date <= cut).map((s) => s.customer_id)).size;
    expect(d.rfm.reduce((s, r) => s + r.customers, 0)).toBe(ordered);
    expect(d.rfm.reduce((s, r) => s + (r.share ?? 0), 0)).toBeCloseTo(1, 3);
  });

  it('the RFM tables of 2016-11 and 2017-Q4 differ', async () => {
    const [november, q4] = await Promise.all([load(full, parsePeriod('2016-11')), load(full, parsePeriod('2017-Q4'))]);
    expect(november.rfm).not.toEqual(q4.rfm);
    expect(q4.rfm.find((r) => r.segment === 'New')?.customers ?? 0).toBe(q4.kpis.find((k) => k.key === 'new_customers')!.value);
  });
});
