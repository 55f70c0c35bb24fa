/**
 * Superstore-shaped synthetic data at any scale, for load tests: pure and seeded, rows in date order one order at a
 * time, shaped like the real Superstore.
 */
import { superstoreHeader } from './columns';

export interface GenerateOptions {
  lines: number;
  seed: number;
  /** Catalogue size; default scales with lines (1,862 at Superstore size, 50,000 at a million). */
  products?: number;
  customers?: number;
  startYear?: number;
  years?: number;
}

/** mulberry32: tiny, fast, good enough for synthetic data, identical everywhere. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// [category, sub-category, lines in the Superstore, median list price, margin at no discount]
const subCategories = [
  ['Furniture', 'Bookcases', 228, 131, 0.22], ['Furniture', 'Chairs', 617, 130, 0.25],
  ['Furniture', 'Furnishings', 957, 17.7, 0.34], ['Furniture', 'Tables', 319, 209, 0.2],
  ['Office Supplies', 'Appliances', 466, 41, 0.28], ['Office Supplies', 'Art', 796, 4.3, 0.29],
  ['Office Supplies', 'Binders', 1523, 8.9, 0.48], ['Office Supplies', 'Envelopes', 254, 10.9, 0.47],
  ['Office Supplies', 'Fasteners', 217, 3.3, 0.45], ['Office Supplies', 'Labels', 364, 4.1, 0.47],
  ['Office Supplies', 'Paper', 1370, 6.5, 0.48], ['Office Supplies', 'Storage', 846, 39, 0.25],
  ['Office Supplies', 'Supplies', 190, 8.9, 0.27], ['Technology', 'Accessories', 775, 34, 0.33],
  ['Technology', 'Copiers', 68, 550, 0.46], ['Technology', 'Machines', 115, 380, 0.46],
  ['Technology', 'Phones', 889, 89, 0.28],
] as const;

const places = [
  ['New York City', 'New York', '10035', 'East'], ['Philadelphia', 'Pennsylvania', '19140', 'East'],
  ['Columbus', 'Ohio', '43229', 'East'], ['Newark', 'Delaware', '19711', 'East'], ['Boston', 'Massachusetts', '02108', 'East'],
  ['Los Angeles', 'California', '90036', 'West'], ['San Francisco', 'California', '94122', 'West'],
  ['Seattle', 'Washington', '98103', 'West'], ['San Diego', 'California', '92037', 'West'], ['Denver', 'Colorado', '80219', 'West'],
  ['Chicago', 'Illinois', '60623', 'Central'], ['Houston', 'Texas', '77095', 'Central'], ['Dallas', 'Texas', '75217', 'Central'],
  ['Detroit', 'Michigan', '48205', 'Central'], ['Minneapolis', 'Minnesota', '55407', 'Central'],
  ['Jacksonville', 'Florida', '32216', 'South'], ['Atlanta', 'Georgia', '30318', 'South'],
  ['Louisville', 'Kentucky', '40214', 'South'], ['Memphis', 'Tennessee', '38109', 'South'], ['Charlotte', 'North Carolina', '28205', 'South'],
] as const;

const firstNames = ['Claire', 'Darrin', 'Sean', 'Brosina', 'Andrew', 'Irene', 'Harold', 'Pete', 'Alejandro', 'Zuschuss', 'Ken', 'Sandra', 'Emily', 'Eric', 'Tracy', 'Matt', 'Gene', 'Steve', 'Linda', 'Ruben', 'Erin', 'Odella', 'Patrick', 'Lena', 'Maria', 'Tom', 'Nora', 'Dave', 'Karen', 'Julia'];
const lastNames = ['Gute', 'Van Huff', "O'Donnell", 'Hoffman', 'Allen', 'Maddox', 'Pawlan', 'Kriz', 'Grove', 'Carroll', 'Lonsdale', 'Flanagan', 'Phan', 'Hoffmann', 'Blumstein', 'Abelman', 'Hale', 'Nguyen', 'Cazamias', 'Ausman', 'Smith', 'Nelson', "O'Brill", 'Creighton', 'Etienne', 'Boeckenhauer', 'Dryer', 'Kim', 'Lopez', 'Weiss'];
const brands = ['Avery', 'Hon', 'Global', 'Fellowes', 'Xerox', 'Acco', 'Bush', 'Eldon', 'Logitech', 'Samsung', 'Staples', 'Wilson Jones', 'Belkin', 'Canon', 'Sauder', 'Tenex', 'Newell', 'Cisco', 'Hunt', 'Smead'];
const adjectives = ['Deluxe', 'Economy', 'Premium', 'Classic', 'Heavy-Duty', 'Compact', 'Ergonomic', 'Recycled', 'Wireless', 'Executive', 'Slim', 'Portable'];
const segments = [['Consumer', 52], ['Corporate', 30], ['Home Office', 18]] as const;
const shipModes = [['Standard Class', 60, 5], ['Second Class', 19, 3], ['First Class', 15, 2], ['Same Day', 6, 0]] as const;
const quantities = [[1, 9], [2, 24], [3, 24], [4, 12], [5, 12], [6, 6], [7, 6], [8, 2.6], [9, 2.6], [10, 0.6], [11, 0.3], [12, 0.2], [13, 0.3], [14, 0.3]] as const;
const discounts = [[0, 48], [0.2, 36.6], [0.7, 4.2], [0.8, 3], [0.3, 2.3], [0.4, 2], [0.6, 1.4], [0.1, 0.9], [0.5, 0.7], [0.15, 0.5]] as const;
const orderSizes = [[1, 2538], [2, 1220], [3, 603], [4, 336], [5, 158], [6, 70], [7, 51], [8, 16], [9, 10], [10, 3], [11, 2], [12, 1], [13, 1], [14, 1]] as const;
/** Relative orders per month (Superstore: Sep, Nov, Dec busiest; Jan, Feb quietest). */
const monthWeights = [381, 300, 696, 668, 735, 717, 710, 706, 1383, 819, 1471, 1408];
const YEARLY_GROWTH = 1.18;

function cdf(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => (out[i] = acc += w));
  for (let i = 0; i < out.length; i++) out[i]! /= acc;
  return out;
}

function pick(c: Float64Array, u: number): number {
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const fix4 = (n: number) => String(Math.round(n * 10000) / 10000);

interface GenProduct { id: string; name: string; sub: number; price: number }

function buildCatalogue(n: number, rnd: () => number): { products: GenProduct[]; bySub: number[][] } {
  const subCdf = cdf(subCategories.map((s) => s[2]));
  const products: GenProduct[] = [];
  const bySub: number[][] = subCategories.map(() => []);
  for (let i = 0; i < n; i++) {
    const sub = i < subCategories.length ? i : pick(subCdf, rnd());
    const [cat, subName, , median] = subCategories[sub]!;
    // Log-normal prices around the sub-category's median.
    const price = Math.max(0.99, median * Math.exp((rnd() + rnd() + rnd() - 1.5) * 1.2));
    const code = `${cat.slice(0, 3).toUpperCase()}-${subName.slice(0, 2).toUpperCase()}-${10000000 + i}`;
    const name = `${brands[Math.floor(rnd() * brands.length)]} ${adjectives[Math.floor(rnd() * adjectives.length)]} ${subName} ${100 + (i % 900)}`;
    bySub[sub]!.push(products.length);
    products.push({ id: code, name, sub, price: Math.round(price * 100) / 100 });
  }
  return { products, bySub };
}

/** Zipf weights (s = 0.6) over a shuffled order, so popularity is not tied to the ID. */
function zipfCdf(count: number, rnd: () => number): { c: Float64Array; order: Uint32Array } {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return { c: cdf(Array.from({ length: count }, (_, r) => 1 / (r + 1) ** 0.6)), order };
}

export function defaultCatalogueSize(lines: number): { products: number; customers: number } {
  return { products: Math.max(1862, Math.round(lines / 20)), customers: Math.max(793, Math.round(lines / 12.6)) };
}

/** Every option with its default filled in: two option sets make the same file exactly when these are equal. */
export function resolveGenerateOptions(opts: GenerateOptions): Required<GenerateOptions> {
  const sizes = defaultCatalogueSize(opts.lines);
  return {
    lines: opts.lines,
    seed: opts.seed,
    products: opts.products ?? sizes.products,
    customers: opts.customers ?? sizes.customers,
    startYear: opts.startYear ?? 2014,
    years: opts.years ?? 4,
  };
}

/** Yields the header, then one string[] per line in Superstore column order. */
export function* generateRows(opts: GenerateOptions): Generator<string[]> {
  const rnd = createRandom(opts.seed);
  const { products: nProducts, customers: nCustomers, startYear, years } = resolveGenerateOptions(opts);
  const { products, bySub } = buildCatalogue(nProducts, rnd);
  const popularity = zipfCdf(nProducts, rnd);
  const subPopularity = bySub.map((list) => zipfCdf(list.length, rnd));

  const customers = Array.from({ length: nCustomers }, (_, i) => {
    const first = firstNames[Math.floor(rnd() * firstNames.length)]!;
    const last = lastNames[Math.floor(rnd() * lastNames.length)]!;
    const seg = pick(cdf(segments.map((s) => s[1])), rnd());
    return { id: `${first[0]}${last[0]}-${10000 + i}`, name: `${first} ${last}`, segment: segments[seg]![0], home: Math.floor(rnd() * places.length) };
  });
  // Returning customers: a power law over customers, so some come back often and most a few times.
  const customerCdf = cdf(customers.map((_, i) => 1 / (i + 1) ** 0.4));
  const qtyCdf = cdf(quantities.map((q) => q[1]));
  const discCdf = cdf(discounts.map((d) => d[1]));
  const sizeCdf = cdf(orderSizes.map((s) => s[1]));
  const shipCdf = cdf(shipModes.map((s) => s[1]));

  // Spread the lines over the days by season and growth; carry what each day owes so the total is exact.
  const days: string[] = [];
  const dayWeights: number[] = [];
  for (let y = 0; y < years; y++) {
    for (let m = 0; m < 12; m++) {
      const dim = new Date(Date.UTC(startYear + y, m + 1, 0)).getUTCDate();
      for (let d = 1; d <= dim; d++) {
        days.push(`${startYear + y}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
        dayWeights.push(monthWeights[m]! * YEARLY_GROWTH ** y);
      }
    }
  }
  const totalWeight = dayWeights.reduce((a, b) => a + b, 0);

  yield [...superstoreHeader];
  let emitted = 0;
  let orderSeq = 100000;
  let carry = 0;
  for (let di = 0; di < days.length && emitted < opts.lines; di++) {
    const isLastDay = di === days.length - 1;
    carry += (opts.lines * dayWeights[di]!) / totalWeight;
    while (emitted < opts.lines && (carry > 0 || isLastDay)) {
      const date = days[di]!;
      const size = Math.min(orderSizes[pick(sizeCdf, rnd())]![0], opts.lines - emitted);
      const customer = customers[pick(customerCdf, rnd())]!;
      const place = places[rnd() < 0.8 ? customer.home : Math.floor(rnd() * places.length)]!;
      const ship = shipModes[pick(shipCdf, rnd())]!;
      const shipDate = new Date(Date.parse(date) + (ship[2] + (ship[2] > 0 ? Math.floor(rnd() * 2) : 0)) * 86400000).toISOString().slice(0, 10);
      const orderId = `CA-${date.slice(0, 4)}-${orderSeq++}`;
      let prev: GenProduct | undefined;
      for (let l = 0; l < size; l++) {
        let p: GenProduct;
        if (prev && rnd() < 0.45 && bySub[prev.sub]!.length > 1) {
          const sp = subPopularity[prev.sub]!;
          p = products[bySub[prev.sub]![sp.order[pick(sp.c, rnd())]!]!]!;
        } else {
          p = products[popularity.order[pick(popularity.c, rnd())]!]!;
        }
        prev = p;
        const [cat, subName, , , margin] = subCategories[p.sub]!;
        const qty = quantities[pick(qtyCdf, rnd())]![0];
        const disc = discounts[pick(discCdf, rnd())]![0];
        const sales = p.price * qty * (1 - disc);
        const profit = sales * (margin - 1.25 * disc + (rnd() - 0.5) * 0.2);
        emitted++;
        yield [
          String(emitted), orderId, date, shipDate, ship[0], customer.id, customer.name, customer.segment, 'United States',
          place[0], place[1], place[2], place[3], p.id, cat, subName, p.name, fix4(sales), String(qty), String(disc), fix4(profit),
        ];
      }
      carry -= size;
    }
  }
}
