/**
 * Alert rules of a schedule job (pure): a key figure below or above a value, or its change against the previous
 * report in per cent. Each fired rule is one short sentence naming the figure, its value and the threshold; the
 * incident key keeps a rule from firing twice for the same report.
 */
import { change, formatValue } from '../format';
import type { AlertRuleSpec } from '../schedule';
import type { HeadlineFigures } from './record';

export interface FiredAlert {
  /** `job|branch|period|rule`: one incident, alerted once. */
  key: string;
  text: string;
}

const formats = { revenue: 'money', profit: 'money', margin: 'percent', orders: 'count' } as const;

const show = (kpi: AlertRuleSpec['kpi'], v: number | null) => formatValue(v, formats[kpi]);

/** The rule as written, for the incident key: `margin<0.1`, `revenue%<-20`. */
const ruleText = (r: AlertRuleSpec) =>
  [r.below !== undefined && `${r.kpi}<${r.below}`, r.above !== undefined && `${r.kpi}>${r.above}`, r.changePct?.below !== undefined && `${r.kpi}%<${r.changePct.below}`, r.changePct?.above !== undefined && `${r.kpi}%>${r.changePct.above}`]
    .filter(Boolean)
    .join(',');

export interface AlertSubject {
  job: string;
  /** "Executive sales report · West · Los Angeles · December 2017", for the sentence. */
  title: string;
  period: string;
  branch: string | null;
  figures: HeadlineFigures;
  previous: HeadlineFigures | null;
}

/** The rules that fire for these figures. */
export function evaluateAlerts(rules: readonly AlertRuleSpec[], s: AlertSubject): FiredAlert[] {
  const fired: FiredAlert[] = [];
  for (const r of rules) {
    const v = s.figures[r.kpi];
    if (v === null) continue;
    const reasons: string[] = [];
    if (r.below !== undefined && v < r.below) reasons.push(`below ${show(r.kpi, r.below)}`);
    if (r.above !== undefined && v > r.above) reasons.push(`above ${show(r.kpi, r.above)}`);
    const base = s.previous?.[r.kpi] ?? null;
    if (r.changePct && base !== null && base !== 0) {
      const pct = ((v - base) / Math.abs(base)) * 100;
      // Relative for every figure here, the margin included (the rule is in per cent, not in points).
      const c = change({ value: v, format: formats[r.kpi] === 'percent' ? 'money' : formats[r.kpi] }, base).text;
      if (r.changePct.below !== undefined && pct < r.changePct.below) reasons.push(`a change of ${c} against the previous report, below ${r.changePct.below} %`);
      if (r.changePct.above !== undefined && pct > r.changePct.above) reasons.push(`a change of ${c} against the previous report, above ${r.changePct.above} %`);
    }
    if (!reasons.length) continue;
    fired.push({ key: [s.job, s.branch ?? '', s.period, ruleText(r)].join('|'), text: `${s.title}: ${r.kpi} ${show(r.kpi, v)}, ${reasons.join(' and ')}.` });
  }
  return fired;
}

/** A run that did not publish, as one alert per run (after its retries, never per attempt). */
export function failureAlert(s: { job: string; title: string; period: string | null; branch: string | null; status: string; why: string }): FiredAlert {
  return { key: [s.job, s.branch ?? '', s.period ?? '', s.status].join('|'), text: `${s.title}: the run ${s.status === 'skipped' ? 'was skipped' : `ended ${s.status.replace('_', ' ')}`}: ${s.why}` };
}
