/**
 * Deterministic stand-ins for fields the Superstore lacks (branch, time of day, payment method, e-mail).
 * Same input, same value, on every machine; none of them touches an amount. Documented as synthetic in
 * docs/data-dictionary.md.
 */
import type { PaymentMethod } from '../core/entities';

/** FNV-1a, 32 bit: tiny, fast and stable across platforms. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A value in [0, 1) from a key and a salt, so different fields of one order are independent. */
export function unitHash(key: string, salt: string): number {
  return fnv1a(`${salt}:${key}`) / 0x1_0000_0000;
}

function pickWeighted<T>(u: number, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  for (const [value, weight] of choices) {
    acc += weight / total;
    if (u < acc) return value;
  }
  return choices[choices.length - 1]![0];
}

/** One branch per Superstore region, named after its flagship city. */
const branches: Record<string, { id: string; name: string }> = {
  West: { id: 'BR-WEST', name: 'West · Los Angeles' },
  East: { id: 'BR-EAST', name: 'East · New York City' },
  Central: { id: 'BR-CENTRAL', name: 'Central · Chicago' },
  South: { id: 'BR-SOUTH', name: 'South · Houston' },
};

export function branchFor(region: string): { branch_id: string; branch_name: string } {
  const known = branches[region];
  if (known) return { branch_id: known.id, branch_name: known.name };
  const slug = region.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-|-$/g, '') || 'UNKNOWN';
  return { branch_id: `BR-${slug}`, branch_name: region || 'Unknown' };
}

/** Opening hours 08:00-21:59 with a lunchtime and an after-work peak. */
const hourWeights = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21].map(
  (h) => [h, [2, 4, 6, 8, 10, 9, 6, 5, 6, 8, 9, 7, 4, 2][h - 8]!] as const,
);

export function orderTimeFor(saleId: string): string {
  const hour = pickWeighted(unitHash(saleId, 'hour'), hourWeights);
  const minute = Math.floor(unitHash(saleId, 'minute') * 60);
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

const paymentWeights: readonly (readonly [PaymentMethod, number])[] = [
  ['card', 55],
  ['cash', 20],
  ['transfer', 15],
  ['wallet', 10],
];

export function paymentMethodFor(saleId: string): PaymentMethod {
  return pickWeighted(unitHash(saleId, 'payment'), paymentWeights);
}

/** `claire.gute.12520@example.com`: example.com is reserved (RFC 2606), so no real person is ever mailed. */
export function emailFor(customerId: string, name: string): string {
  const local = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
  const digits = customerId.replace(/\D/g, '') || String(fnv1a(customerId) % 100000);
  return `${local || 'customer'}.${digits}@example.com`;
}
