import { roundCents, sumMoney, toUnits, roundTo } from '../../../../src/pipeline/core/money';

describe('money', () => {
  it('sums without floating-point drift', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumMoney([0.1, 0.2])).toBe(0.3);
    expect(sumMoney(Array.from({ length: 10000 }, () => 22.368))).toBe(223680);
  });

  it('rounds half away from zero at the cent, including the 1.005 trap', () => {
    expect(roundCents(1.005)).toBe(1.01);
    expect(roundCents(-1.005)).toBe(-1.01);
    expect(roundCents(2297200.8603)).toBe(2297200.86);
  });

  it('converts 4-decimal amounts to exact integer units', () => {
    expect(toUnits(957.5775)).toBe(9575775);
    expect(toUnits(-383.031)).toBe(-3830310);
  });

  it('rounds ratios to a given number of decimals', () => {
    expect(roundTo(0.12345, 4)).toBe(0.1235);
    expect(roundTo(2 / 3, 2)).toBe(0.67);
  });
});
