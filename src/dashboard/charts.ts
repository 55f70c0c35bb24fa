/**
 * The reports' charts adapted to a dashboard's page, where an SVG wider than its column is scaled down (and its
 * labels with it): sizes and labels that stay readable at 1024 px, without changing the reports' own output.
 */
import type { TopLevelSpec } from 'vega-lite';
import { palette, productProfitChart, recommendationKinds, saleRecommendationsChart } from '../reports/charts';
import { fieldTitle } from '../reports/interactive-spec';
import { t, type Locale } from '../i18n';
import type { ReportData } from '../reports/data';

type Def = Record<string, unknown>;

/** Pure: `name` cut to `max` characters at a word boundary when it can, with an ellipsis. */
export function shortName(name: string, max: number): string {
  if (name.length <= max) return name;
  const cut = name.slice(0, max - 1);
  // Whole words: the cut ends a word when the next character is a space; otherwise back to the last space.
  const space = /\s/.test(name[max - 1]!) ? cut.length : cut.lastIndexOf(' ');
  return `${(space >= max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:–-]+$/, '')}…`;
}

/** Space per bar: a 12 px label with room above and below, so neighbouring names never touch. */
export const productBarStep = 30;
const productLabelChars = 34;

/**
 * Top products by profit for the historical page, on a row of its own: a bar every 30 px, 12 px labels cut to 34
 * characters and numbered by rank (so two names alike in their first characters stay two bars), the full name in
 * the tooltip. Plot width plus labels is about 800 px, under the 990 px a 1024 px window gives, so it is never
 * scaled down.
 */
export function topProductsChart(rows: ReportData['topProducts'], title: string, width = 540, locale: Locale = 'en'): TopLevelSpec {
  const spec = productProfitChart(rows, title, width, locale) as unknown as Def;
  if (!rows.length) return spec as unknown as TopLevelSpec;
  const ranked = [...rows].sort((a, b) => b.profit - a.profit);
  const enc = spec.encoding as Def;
  const y = enc.y as Def;
  const tooltip = (enc.tooltip as Def[]).map((d) => (d.field === 'name' ? { ...d, title: fieldTitle('label', locale) } : d));
  return {
    ...spec,
    height: { step: productBarStep },
    data: { values: ranked.map((r, i) => ({ ...r, label: `${i + 1}. ${shortName(r.name, productLabelChars)}` })) },
    encoding: { ...enc, y: { ...y, axis: { labelLimit: 260, labelFontSize: 12, labelPadding: 6 } }, tooltip },
  } as unknown as TopLevelSpec;
}

/**
 * One sale's recommendations, as the reports draw them, sized for half a page (a column is about 470 px at 1024 px):
 * names cut to 28 characters (the full name in the tooltip), the legend below, and the co-purchase suggestions that
 * rest on fewer customers than the page trusts in a paler colour of their own.
 */
export function saleChart(recs: readonly { name: string; relevance: number; rank: number; fallback: boolean; thin: boolean }[], width = 200, locale: Locale = 'en'): TopLevelSpec {
  const spec = saleRecommendationsChart(recs, width, locale) as unknown as Def;
  const data = spec.data as { values?: Def[] } | undefined;
  if (!recs.length || !data?.values) return spec as unknown as TopLevelSpec;
  const thin = t(locale, 'chart.sale.thin');
  const kinds = recommendationKinds(locale);
  const enc = spec.encoding as Def;
  const values = data.values.map((v, i) => {
    const r = recs[i]!;
    return { ...v, label: `${r.rank}. ${shortName(r.name, 28)}`, kind: r.thin ? thin : v.kind };
  });
  return {
    ...spec,
    data: { values },
    encoding: {
      ...enc,
      y: { ...(enc.y as Def), axis: { labelLimit: 200, labelFontSize: 11 } },
      color: {
        ...(enc.color as Def),
        scale: { domain: [kinds.coPurchase, thin, kinds.bestSeller], range: [palette.revenue, '#a9c2e2', palette.muted] },
        legend: { orient: 'bottom', direction: 'vertical', labelLimit: 220 },
      },
      tooltip: [{ field: 'name', title: fieldTitle('label', locale) }, { field: 'relevance' }, { field: 'kind' }],
    },
  } as unknown as TopLevelSpec;
}
