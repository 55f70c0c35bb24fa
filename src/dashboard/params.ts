/**
 * Query parameters, validated before anything touches a database: known keys only, each one a plain value of the
 * expected shape (and, for branches and categories, one of the values that exist). Anything else is a 400, so a
 * filter can never become a database operator.
 */
import { z } from 'zod';

export class BadRequest extends Error {
  override name = 'BadRequest';
}

export interface HistoricalFilter {
  year: number | null;
  month: number | null;
  branch: string | null;
  category: string | null;
}

export interface Known {
  years: number[];
  branches: string[];
  categories: string[];
}

function strict(params: URLSearchParams, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) {
    if (!allowed.includes(k)) throw new BadRequest(`unknown parameter "${k}" (allowed: ${allowed.join(', ') || 'none'})`);
    if (k in out) throw new BadRequest(`parameter "${k}" given twice`);
    out[k] = v;
  }
  return out;
}

/** An optional filter: absent, empty or "all" mean no filter; anything else must pass `s` (whose message is kept). */
const pick = (s: z.ZodTypeAny) => z.preprocess((v) => (v === '' || v === 'all' ? undefined : v), s.optional()).transform((v) => v ?? null);

export function parseHistorical(params: URLSearchParams, known: Known): HistoricalFilter {
  const raw = strict(params, ['year', 'month', 'branch', 'category']);
  const schema = z.object({
    year: pick(z.string().regex(/^\d{4}$/, 'must be a year like 2017').transform(Number).refine((y) => known.years.includes(y), 'has no data')),
    month: pick(z.string().regex(/^(0?[1-9]|1[0-2])$/, 'must be a month 1-12').transform(Number)),
    branch: pick(z.string().regex(/^[A-Z0-9-]{1,40}$/, 'must be a branch id like BR-WEST').refine((b) => known.branches.includes(b), 'is not a branch')),
    category: pick(z.string().max(60).refine((c) => known.categories.includes(c), 'is not a category')),
  });
  const r = schema.safeParse(raw);
  if (!r.success) throw new BadRequest(r.error.issues.map((i) => `${i.path.join('.')} ${JSON.stringify(raw[String(i.path[0])] ?? '')} ${i.message}`).join('; '));
  if (r.data.month !== null && r.data.year === null) throw new BadRequest('month needs a year');
  return r.data as HistoricalFilter;
}

export function parseRealtime(params: URLSearchParams, today: string): { date: string } {
  const raw = strict(params, ['date']);
  const date = raw.date ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    throw new BadRequest(`date ${JSON.stringify(date)} must be a real day YYYY-MM-DD`);
  }
  return { date };
}

export function parseNone(params: URLSearchParams): void {
  strict(params, []);
}

/**
 * The Reports page's filters: `job` one of the jobs known (the schedule's and those with runs), `status` one of the
 * run statuses; absent, empty or "all" mean no filter.
 */
export function parseReports(params: URLSearchParams, known: { jobs: readonly string[]; statuses: readonly string[] }): { job: string | null; status: string | null } {
  const raw = strict(params, ['job', 'status']);
  const one = (key: 'job' | 'status', allowed: readonly string[], what: string): string | null => {
    const v = raw[key];
    if (v === undefined || v === '' || v === 'all') return null;
    if (!allowed.includes(v)) throw new BadRequest(`${key} ${JSON.stringify(v)} is not ${what} (known: ${allowed.join(', ') || 'none'})`);
    return v;
  };
  return { job: one('job', known.jobs, 'a job'), status: one('status', known.statuses, 'a run status') };
}
