/** The training options `train` and `reco:evaluate` share, and their parsing into TrainOptions. */
import { choiceOption, fractionOption, intOption, UsageError, type OptionSpec, type ParsedOptions } from './args';
import { DEFAULT_TRAINING, type TrainOptions } from '../pipeline/reco/train';

export const trainingOptions: Record<string, OptionSpec> = {
  level: { type: 'string', arg: 'order|customer', description: 'What a basket is: one order, or everything one customer bought', default: DEFAULT_TRAINING.level },
  k: { type: 'string', arg: 'N', description: 'Neighbours kept per item', default: String(DEFAULT_TRAINING.k) },
  alpha: { type: 'string', arg: 'A', description: 'Similarity co/(n(i)^A·n(j)^(1-A)): 0.5 is the cosine, higher penalises popular items less', default: String(DEFAULT_TRAINING.alpha) },
  'half-life': { type: 'string', arg: 'DAYS', description: 'Time decay: a basket DAYS older than the newest counts half (default: no decay)' },
  'min-support': { type: 'string', arg: 'N', description: 'Baskets a pair must share to count', default: String(DEFAULT_TRAINING.minSupport) },
  'co-slots': { type: 'string', arg: 'N', description: 'How many of the 5 recommendations may come from co-purchases', default: String(DEFAULT_TRAINING.coSlots) },
};

export function trainOptionsFrom(v: ParsedOptions): TrainOptions {
  return {
    level: choiceOption(v.level, 'level', ['order', 'customer'] as const),
    k: intOption(v.k, 'k', 1),
    alpha: fractionOption(v.alpha, 'alpha'),
    halfLifeDays: intOption(v['half-life'], 'half-life', 1) ?? null,
    minSupport: intOption(v['min-support'], 'min-support', 1),
    coSlots: intOption(v['co-slots'], 'co-slots', 0),
  };
}

export function parseDay(value: unknown, name: string): string {
  const s = String(value);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`))) throw new UsageError(`--${name}: "${s}" is not a day (expected YYYY-MM-DD)`);
  return s;
}
