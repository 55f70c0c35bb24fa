/**
 * Alert rules of a schedule job (pure): a key figure below or above a value, or its change against the previous
 * report in per cent. Each fired rule is one short sentence naming the figure, its value and the threshold; the
 * incident key keeps a rule from firing twice for the same report.
 */
import { t, translator, type Locale, type MessageKey } from '../../i18n';
import { change, formatValue } from '../format';
import type { AlertRuleSpec } from '../schedule';
import type { HeadlineFigures } from './record';

export interface FiredAlert {
  /** `job|branch|period|rule`: one incident, alerted once. */
  key: string;
  text: string;
}

const formats = { revenue: 'money', profit: 'money', margin: 'percent', orders: 'count' } as const;

const show = (kpi: AlertRuleSpec['kpi'], v: number | null, locale: Locale) => formatValue(v, formats[kpi], locale);
const figureNames = { revenue: 'changes.figure.revenue', profit: 'changes.figure.profit', margin: 'changes.figure.margin', orders: 'changes.figure.orders' } as const satisfies Record<AlertRuleSpec['kpi'], MessageKey>;

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
  /** The readers' language (the job's); English by default. */
  locale?: Locale;
}

/** The rules that fire for these figures. */
export function evaluateAlerts(rules: readonly AlertRuleSpec[], s: AlertSubject): FiredAlert[] {
  const locale = s.locale ?? 'en';
  const tr = translator(locale);
  const fired: FiredAlert[] = [];
  for (const r of rules) {
    const v = s.figures[r.kpi];
    if (v === null) continue;
    const reasons: string[] = [];
    if (r.below !== undefined && v < r.below) reasons.push(tr('alert.below', { value: show(r.kpi, r.below, locale) }));
    if (r.above !== undefined && v > r.above) reasons.push(tr('alert.above', { value: show(r.kpi, r.above, locale) }));
    const base = s.previous?.[r.kpi] ?? null;
    if (r.changePct && base !== null && base !== 0) {
      const pct = ((v - base) / Math.abs(base)) * 100;
      // Relative for every figure here, the margin included (the rule is in per cent, not in points).
      const c = change({ value: v, format: formats[r.kpi] === 'percent' ? 'money' : formats[r.kpi] }, base, locale).text;
      if (r.changePct.below !== undefined && pct < r.changePct.below) reasons.push(tr('alert.changeBelow', { change: c, limit: r.changePct.below }));
      if (r.changePct.above !== undefined && pct > r.changePct.above) reasons.push(tr('alert.changeAbove', { change: c, limit: r.changePct.above }));
    }
    if (!reasons.length) continue;
    // English names the figure by its rule's key, as the schedule file writes it ("margin"); another language by its name.
    const figure = locale === 'en' ? r.kpi : tr(figureNames[r.kpi]);
    fired.push({ key: [s.job, s.branch ?? '', s.period, ruleText(r)].join('|'), text: tr('alert.fired', { title: s.title, figure, value: show(r.kpi, v, locale), reasons: reasons.join(tr('alert.and')) }) });
  }
  return fired;
}

/** A run that did not publish, as one alert per run (after its retries, never per attempt). */
export function failureAlert(s: { job: string; title: string; period: string | null; branch: string | null; status: string; why: string; locale?: Locale }): FiredAlert {
  const text = t(s.locale ?? 'en', 'alert.failed', { title: s.title, status: s.status, ended: s.status.replace('_', ' '), why: s.why });
  return { key: [s.job, s.branch ?? '', s.period ?? '', s.status].join('|'), text };
}

/** A delivery that failed (after its retries), as one alert per channel and run. */
export function deliveryFailureAlert(s: { job: string; title: string; period: string | null; branch: string | null; target: string; why: string; locale?: Locale }): FiredAlert {
  const text = t(s.locale ?? 'en', 'alert.deliveryFailed', { title: s.title, target: s.target, why: s.why });
  return { key: [s.job, s.branch ?? '', s.period ?? '', `delivery to ${s.target} failed`].join('|'), text };
}

/** An alert mail's subject: "Alert: " and what the alert is about (its text before the first colon). */
export const alertSubject = (alert: FiredAlert, locale: Locale = 'en') => t(locale, 'alert.subject', { title: alert.text.split(':')[0]! });
