import { branchFor, emailFor, fnv1a, orderTimeFor, paymentMethodFor } from '../../../../src/pipeline/source/derive';

describe('synthetic fields', () => {
  it('hash with FNV-1a (reference vectors)', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('give the same order the same time and payment method every time, within opening hours', () => {
    expect(orderTimeFor('CA-2016-152156')).toBe(orderTimeFor('CA-2016-152156'));
    for (let i = 0; i < 500; i++) {
      const t = orderTimeFor(`O-${i}`);
      expect(t).toMatch(/^(0[89]|1\d|2[01]):[0-5]\d$/);
      expect(['card', 'cash', 'transfer', 'wallet']).toContain(paymentMethodFor(`O-${i}`));
    }
  });

  it('spread payment methods roughly by their weights', () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10000; i++) counts[paymentMethodFor(`S-${i}`)] = (counts[paymentMethodFor(`S-${i}`)] ?? 0) + 1;
    expect(counts.card! / 10000).toBeGreaterThan(0.5);
    expect(counts.wallet! / 10000).toBeLessThan(0.15);
  });

  it('map each region to one branch, and an unknown region to its own', () => {
    expect(branchFor('West')).toEqual({ branch_id: 'BR-WEST', branch_name: 'West · Los Angeles' });
    expect(branchFor('North East')).toEqual({ branch_id: 'BR-NORTH-EAST', branch_name: 'North East' });
  });

  it('make e-mails on the reserved example.com domain', () => {
    expect(emailFor('CG-12520', 'Claire Gute')).toBe('claire.gute.12520@example.com');
    expect(emailFor('SO-20335', "Sean O'Donnell")).toBe('sean.o.donnell.20335@example.com');
  });
});
