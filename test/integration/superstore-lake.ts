/** The bundled Superstore written straight into a test's lake (no Kafka), and its warehouse built: a report's input. */
import type { Db } from 'mongodb';
import { loadErpData } from '../../src/pipeline/source/load';
import { salesWithItems } from '../../src/pipeline/source/live';
import { writeLake } from '../../src/pipeline/lake/write';
import type { ErpData, SaleWithItems } from '../../src/pipeline/core/entities';
import { buildWarehouse } from '../../src/pipeline/warehouse/build';

/** Writes the Superstore's entities (its sales filtered by `keep`, all by default), then builds the warehouse. */
export async function writeSuperstoreLake(db: Db, keep: (s: SaleWithItems) => boolean = () => true): Promise<ErpData> {
  const data = (await loadErpData()).data;
  const sales = salesWithItems(data).filter(keep);
  await writeLake(db, { products: data.products, customers: data.customers, sales: [] });
  for (let i = 0; i < sales.length; i += 1000) await writeLake(db, { products: [], customers: [], sales: sales.slice(i, i + 1000) });
  await buildWarehouse(db, { full: true });
  return data;
}
