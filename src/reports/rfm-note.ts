/** What the report's RFM segments mean, in one sentence under the table (and in the workbook's dictionary). */
import type { Period } from './period';

export const rfmNote = (p: Pick<Period, 'from' | 'to'>) =>
  `Segments as of ${p.to}, from the orders up to that day only. "New" is every customer whose first order falls between ${p.from} and ${p.to}, so it equals the key figure New customers; the others are scored on recency, frequency and money against all customers who had ordered by ${p.to} (rules in docs/warehouse.md).`;
