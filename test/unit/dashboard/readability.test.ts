/** Issue 28: key figures that fit their cards, a top-products chart that can be read, one clock with its zone. */
import { renderSvg } from '../../../src/reports/render';
import { compileSpec } from '../../../src/reports/render';
import { interactiveSpec } from '../../../src/dashboard/interactive';
import { productBarStep, saleChart, shortName, topProductsChart } from '../../../src/dashboard/charts';
import { kpi, textWidthEm } from '../../../src/dashboard/layout';
import { clockDateTime, clockTime, zoneLabel } from '../../../src/dashboard/clock';
import { fixtureReport } from '../reports/fixture';

type Def = Record<string, unknown>;
const tooltipOf = (spec: unknown) => ((spec as Def).encoding as Def).tooltip as Def[];

describe('key figure cards', () => {
  it('never underestimate a value: DejaVu Sans Bold draws "$2,297,200.86" 8.1 em wide', () => {
    expect(textWidthEm('$2,297,200.86')).toBeGreaterThanOrEqual(8.1);
    expect(textWidthEm('$2,297,200.86')).toBeLessThan(8.8);
    expect(textWidthEm('n/a by category')).toBeGreaterThan(textWidthEm('5,009'));
    expect(textWidthEm('')).toBe(1);
  });

  it('carry the value\'s width for the CSS that scales its font, and keep the value\'s markup', () => {
    expect(kpi('revenue', 'Revenue', '$2,297,200.86')).toBe(
      `<div class="kpi" style="--em:${textWidthEm('$2,297,200.86')}" data-kpi="revenue"><div class="label">Revenue</div><div class="value">$2,297,200.86</div></div>`,
    );
    expect(kpi('x', '<b>', '<i>')).toContain('<div class="label">&lt;b&gt;</div><div class="value">&lt;i&gt;</div>');
  });
});

describe('the top products chart of the historical page', () => {
  const long = 'Global Deluxe High-Back Manager\'s Chair with Adjustable Arms';
  const rows = [
    { product_id: 'P-1', name: long, category: 'Furniture', sub_category: 'Chairs', units: 10, revenue: 5000, profit: 900, margin: 0.18 },
    { product_id: 'P-2', name: `${long.slice(0, 40)} and Headrest`, category: 'Furniture', sub_category: 'Chairs', units: 8, revenue: 4000, profit: 700, margin: 0.17 },
    ...fixtureReport().topProducts,
  ];
  const spec = topProductsChart(rows, 'Top products by profit, 2017') as unknown as Def;
  const enc = spec.encoding as Def;

  it('gives every bar 30 px and labels of 12 px', () => {
    expect(spec.height).toEqual({ step: productBarStep });
    expect(productBarStep).toBeGreaterThanOrEqual(28);
    expect(((enc.y as Def).axis as Def).labelFontSize).toBeGreaterThanOrEqual(11);
  });

  it('shortens long names in the axis, numbered by rank so names alike stay apart, with the full name in the tooltip', () => {
    const labels = ((spec.data as { values: Def[] }).values).map((v) => String(v.label));
    expect(labels[0]).toBe('1. Global Deluxe High-Back Manager\'s…');
    expect(new Set(labels).size).toBe(labels.length);
    for (const l of labels) expect(l.length).toBeLessThanOrEqual(38);
    const tip = (interactiveSpec(spec as never) as unknown as { encoding: { tooltip: Def[] } }).encoding.tooltip;
    expect(tip[0]).toMatchObject({ field: 'name', title: 'product' });
    expect(((spec.data as { values: Def[] }).values)[0]!.name).toBe(long);
  });

  it('is at most 990 px wide, so a 1024 px window draws it unscaled', async () => {
    const warnings: string[] = [];
    compileSpec(spec as never, warnings);
    expect(warnings).toEqual([]);
    const width = Number(/<svg[^>]*width="([\d.]+)"/.exec(await renderSvg(spec as never))?.[1]);
    expect(width).toBeGreaterThan(600);
    expect(width).toBeLessThanOrEqual(990);
  });

  it('cuts names at a word where it can', () => {
    expect(shortName('Short name', 34)).toBe('Short name');
    expect(shortName('Abcdefghijklmnopqrstuvwxyzabcdefghijklmnop', 20)).toBe('Abcdefghijklmnopqrs…');
    expect(shortName('Avery Durable Slant Ring Binders, No Labels', 34)).toBe('Avery Durable Slant Ring Binders…');
  });
});

describe('a sale\'s recommendations chart', () => {
  it('colours the co-purchases resting on too few customers apart', () => {
    const spec = saleChart([{ name: 'A', relevance: 45.6, rank: 1, fallback: false, thin: true }, { name: 'B', relevance: 20, rank: 2, fallback: false, thin: false }, { name: 'C', relevance: 5, rank: 3, fallback: true, thin: false }]) as unknown as Def;
    expect(((spec.data as { values: Def[] }).values).map((v) => v.kind)).toEqual(['co-purchase, too few customers', 'co-purchase', 'best seller fill']);
    const warnings: string[] = [];
    compileSpec(spec as never, warnings);
    expect(warnings).toEqual([]);
  });

  it('fits half a page at 1024 px unscaled, names cut with the full name in the tooltip', async () => {
    const long = 'Fellowes PB500 Electric Punch Plastic Comb Binding Machine with Manual Bind';
    const spec = saleChart([1, 2, 3, 4, 5].map((rank) => ({ name: `${long} ${rank}`, relevance: 60 - rank * 10, rank, fallback: rank > 2, thin: rank === 1 })));
    const width = Number(/<svg[^>]*width="([\d.]+)"/.exec(await renderSvg(spec))?.[1]);
    expect(width).toBeLessThanOrEqual(470);
    const values = (spec as unknown as { data: { values: Def[] } }).data.values;
    expect(values[0]).toMatchObject({ label: '1. Fellowes PB500 Electric…', name: `${long} 1` });
    expect(tooltipOf(interactiveSpec(spec))[0]).toMatchObject({ field: 'name', title: 'product' });
  });
});

describe('the live pages\' clock', () => {
  const at = new Date('2026-03-01T21:00:44Z');
  it('names its zone', () => {
    expect(clockTime(at, 'UTC')).toBe('21:00:44 UTC');
    expect(clockTime(at, 'Etc/UTC')).toBe('21:00:44 UTC');
    expect(clockTime(at, 'Europe/Paris')).toBe('22:00:44 Europe/Paris');
    expect(clockDateTime(at, 'America/New_York')).toBe('2026-03-01 16:00 America/New_York');
    expect(zoneLabel('Asia/Tokyo')).toBe('Asia/Tokyo');
  });
});
