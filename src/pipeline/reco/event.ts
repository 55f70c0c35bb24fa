/**
 * The enriched recommendation event: what the service publishes on `<prefix>.recommendations` (schema
 * `erp.recommendation` v1, the same envelope as the ERP topics) and upserts into the `recommendations` collection
 * keyed by `sale_id`. Pure.
 */
import { z } from 'zod';
import type { SaleWithItems } from '../core/entities';
import { roundCents } from '../core/money';
import type { ItemSimModel } from './model';
import type { Recommendation } from './score';

export const RECOMMENDATION_SCHEMA = 'erp.recommendation';
export const RECOMMENDATION_VERSION = 1;

export interface PurchasedItem {
  product_id: string;
  name: string;
  category: string;
  sub_category: string;
  quantity: number;
  unit_price: number;
  discount: number;
  subtotal: number;
}

export interface SaleRecommendations {
  sale_id: string;
  customer_id: string;
  customer_name: string | null;
  branch_id: string;
  branch_name: string;
  payment_method: string;
  order_date: string;
  order_time: string;
  sale_produced_at: string | null;
  totals: { lines: number; units: number; total: number; profit: number };
  items: PurchasedItem[];
  recommendations: Recommendation[];
  model: { trained_at: string; level: string; format_version: number };
  recommended_at: string;
}

export function buildSaleRecommendations(
  sale: SaleWithItems,
  recs: Recommendation[],
  model: ItemSimModel,
  ctx: { customerName?: string | null; saleProducedAt?: string | null; now?: Date },
): SaleRecommendations {
  return {
    sale_id: sale.sale_id,
    customer_id: sale.customer_id,
    customer_name: ctx.customerName ?? null,
    branch_id: sale.branch_id,
    branch_name: sale.branch_name,
    payment_method: sale.payment_method,
    order_date: sale.order_date,
    order_time: sale.order_time,
    sale_produced_at: ctx.saleProducedAt || null,
    totals: { lines: sale.lines, units: sale.units, total: roundCents(sale.total), profit: roundCents(sale.profit) },
    items: sale.items.map((i) => {
      const p = model.items[i.product_id];
      return {
        product_id: i.product_id,
        name: p?.name ?? i.product_id,
        category: p?.category ?? i.category,
        sub_category: p?.sub_category ?? i.sub_category,
        quantity: i.quantity,
        unit_price: i.unit_price,
        discount: i.discount,
        subtotal: roundCents(i.line_total),
      };
    }),
    recommendations: recs,
    model: { trained_at: model.trained_at, level: model.parameters.level, format_version: model.format_version },
    recommended_at: (ctx.now ?? new Date()).toISOString(),
  };
}

export function encodeRecommendation(r: SaleRecommendations, now = new Date()): { key: string; value: string } {
  return { key: r.sale_id, value: JSON.stringify({ schema: RECOMMENDATION_SCHEMA, v: RECOMMENDATION_VERSION, produced_at: now.toISOString(), data: r }) };
}

const pctSchema = z.number().min(0).max(100);
const recommendationSchema = z.object({
  product_id: z.string().min(1),
  name: z.string(),
  category: z.string(),
  sub_category: z.string(),
  unit_price: z.number(),
  relevance: pctSchema,
  confidence: pctSchema,
  rank: z.number().int().min(1).max(5),
  fallback: z.boolean(),
  because_product_id: z.string().nullable(),
  reason: z.string(),
});

export const saleRecommendationsSchema = z.object({
  sale_id: z.string().min(1),
  customer_id: z.string().min(1),
  items: z.array(z.object({ product_id: z.string().min(1), name: z.string(), quantity: z.number().int().positive(), subtotal: z.number() }).passthrough()).min(1),
  recommendations: z.array(recommendationSchema).max(5),
}).passthrough();

/** Decodes a message of the recommendations topic; null when it is not a valid v1 recommendation. */
export function decodeRecommendation(value: Buffer | string | null): SaleRecommendations | null {
  if (!value) return null;
  try {
    const env = JSON.parse(value.toString()) as { schema?: unknown; v?: unknown; data?: unknown };
    if (env.schema !== RECOMMENDATION_SCHEMA || env.v !== RECOMMENDATION_VERSION) return null;
    return saleRecommendationsSchema.safeParse(env.data).success ? (env.data as SaleRecommendations) : null;
  } catch {
    return null;
  }
}
