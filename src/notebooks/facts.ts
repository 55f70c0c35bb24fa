/**
 * The facts a notebook's parameter checks ask of the data (accepts.ts), read from the warehouse's marts: the branches
 * (store_analysis, one document per branch), the categories (category_analysis) and the first and last day with
 * sales (daily_sales_summary). Each is read once, and only when a declared choice needs it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from 'mongodb';
import { marts } from '../pipeline/warehouse/build';
import type { DailyDoc } from '../pipeline/warehouse/daily';
import type { ParamFacts } from './accepts';

const once = <T>(read: () => Promise<T>): (() => Promise<T>) => {
  let answer: Promise<T> | undefined;
  return () => (answer ??= read());
};

/** `db` is asked for only when a fact is needed (a notebook whose checks are all about files never connects). */
export function warehouseFacts(db: () => Promise<Db>, notebookDir: string): ParamFacts {
  const firstDay = async (direction: 1 | -1) => (await (await db()).collection<DailyDoc>(marts.daily).find({}, { projection: { date: 1 } }).sort({ date: direction }).limit(1).toArray())[0]?.date ?? null;
  return {
    branches: once(async () => {
      const docs = await (await db()).collection<{ branch_id: string; branch_name: string }>(marts.stores).find({}, { projection: { branch_id: 1, branch_name: 1 } }).toArray();
      return docs.map((d) => ({ id: d.branch_id, name: d.branch_name })).sort((a, b) => a.id.localeCompare(b.id));
    }),
    categories: once(async () => ((await (await db()).collection(marts.categories).distinct('category')) as string[]).sort()),
    saleDays: once(async () => {
      const [from, to] = await Promise.all([firstDay(1), firstDay(-1)]);
      return from && to ? { from, to } : null;
    }),
    fileExists: (file) => {
      try {
        return fs.statSync(path.resolve(notebookDir, file)).isFile();
      } catch {
        return false;
      }
    },
  };
}
