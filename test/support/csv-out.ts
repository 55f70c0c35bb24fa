/** The CSV extracts of data held in memory at once: what the streamed writer must match byte for byte. */
import type { ErpData } from '../../src/pipeline/core/entities';
import type { Reject } from '../../src/pipeline/source/columns';
import { createCsvOutWriter, type CsvOutFile } from '../../src/pipeline/source/csv-out';

/** Every entity at once, through the writer the pipeline uses. */
export function writeCsvOut(dir: string, data: ErpData, rejects: readonly Reject[]): Record<CsvOutFile, string> {
  const out = createCsvOutWriter(dir);
  try {
    out.write('products', data.products);
    out.write('customers', data.customers);
    out.write('sales', data.sales);
    out.write('sales_items', data.salesItems);
    out.write('rejects', rejects);
    out.commit();
  } catch (err) {
    out.abort();
    throw err;
  }
  return out.paths;
}
