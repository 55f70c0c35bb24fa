import { categoryRowsFromCube } from '../../../../src/pipeline/warehouse/categories';
import type { CubeRow } from '../../../../src/pipeline/warehouse/cube';
import { addTotals, emptyTotals, type Totals } from '../../../../src/pipeline/warehouse/measures';

describe('categories from the cube', () => {
  it('equal the lines grouped by month, category and sub-category directly', () => {
    let seed = 3;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const lines = Array.from({ length: 2000 }, () => ({
      month: `2017-0${1 + rand(3)}`,
      branch_id: `B${rand(4)}`,
      category: ['Furniture', 'Technology'][rand(2)]!,
      sub_category: ['Chairs', 'Phones', 'Tables'][rand(3)]!,
      totals: { lines: 1, units: 1 + rand(5), revenue_e4: rand(9_000_000), profit_e4: rand(2_000_000) - 1_000_000, discount_e4: rand(8) * 1000 } as Totals,
    }));
    const group = <R extends { totals: Totals }>(key: (l: (typeof lines)[number]) => string, row: (l: (typeof lines)[number]) => Omit<R, 'totals'>) => {
      const out = new Map<string, R>();
      for (const l of lines) {
        const k = key(l);
        if (!out.has(k)) out.set(k, { ...row(l), totals: emptyTotals() } as R);
        addTotals(out.get(k)!.totals, l.totals);
      }
      return [...out.values()];
    };
    const cube = group<CubeRow>((l) => `${l.month}|${l.branch_id}|${l.category}|${l.sub_category}`, (l) => ({ month: l.month, branch_id: l.branch_id, category: l.category, sub_category: l.sub_category }));
    const direct = group<{ month: string; category: string; sub_category: string; totals: Totals }>((l) => `${l.month}|${l.category}|${l.sub_category}`, (l) => ({ month: l.month, category: l.category, sub_category: l.sub_category }));
    const byKey = (rows: { month: string; category: string; sub_category: string }[]) => [...rows].sort((a, b) => `${a.month}|${a.category}|${a.sub_category}`.localeCompare(`${b.month}|${b.category}|${b.sub_category}`));
    expect(byKey(categoryRowsFromCube(cube))).toEqual(byKey(direct));
  });
});
