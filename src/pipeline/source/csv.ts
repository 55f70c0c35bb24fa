/**
 * A small streaming CSV reader (RFC 4180 plus real-world slack: BOM, CRLF or LF, quoted separators, quotes and
 * newlines, a stray quote taken literally), records in batches per chunk.
 */
export interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

export interface CsvParser {
  /** Feed a chunk of text; returns the records completed by it. */
  push(chunk: string): CsvRecord[];
  /** End of input: returns the last record, if any. Throws on an unterminated quoted field. */
  end(): CsvRecord[];
}

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** Where a parser is between chunks. */
interface ParserState {
  fields: string[];
  field: string;
  inQuotes: boolean;
  quoteJustClosed: boolean;
  line: number;
  recordLine: number;
  first: boolean;
  fieldStarted: boolean;
  pendingCR: boolean;
}

export function createCsvParser(separator = ','): CsvParser {
  const s: ParserState = { fields: [], field: '', inQuotes: false, quoteJustClosed: false, line: 1, recordLine: 1, first: true, fieldStarted: false, pendingCR: false };
  return {
    push: (chunk) => parseChunk(s, chunk, separator),
    end() {
      if (s.inQuotes) throw new CsvSyntaxError(s.recordLine, 'a quoted field is never closed');
      const out: CsvRecord[] = [];
      // The last record ends as a newline would end it.
      if (s.fieldStarted || s.field !== '' || s.fields.length) out.push(...parseChunk(s, '\n', separator));
      return out;
    },
  };
}

/**
 * The records a chunk completes. One loop over the chunk with the state in local variables (stored back at its end):
 * split into functions over the state object, the parser ran 5-20 % slower (docs/architecture.md).
 */
function parseChunk(state: ParserState, chunk: string, separator: string): CsvRecord[] {
  const SEP = separator.charCodeAt(0);
  let { fields, field, inQuotes, quoteJustClosed, line, recordLine, fieldStarted, pendingCR } = state;
  const out: CsvRecord[] = [];
  const endRecord = () => {
    fields.push(field);
    // Skip blank lines (one empty field).
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) out.push({ line: recordLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
    quoteJustClosed = false;
  };
  let i = 0;
  if (state.first) {
    state.first = false;
    if (chunk.charCodeAt(0) === 0xfeff) i = 1;
  }
  const n = chunk.length;
  while (i < n) {
    if (inQuotes) {
      const q = chunk.indexOf('"', i);
      if (q === -1) {
        const part = chunk.slice(i);
        for (let k = 0; k < part.length; k++) if (part.charCodeAt(k) === 10) line++;
        field += part;
        break;
      }
      const part = chunk.slice(i, q);
      for (let k = 0; k < part.length; k++) if (part.charCodeAt(k) === 10) line++;
      field += part;
      if (q + 1 < n) {
        if (chunk[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          inQuotes = false;
          quoteJustClosed = true;
          i = q + 1;
        }
      } else {
        // The quote is the chunk's last character: decide with the next chunk.
        inQuotes = false;
        quoteJustClosed = true;
        i = q + 1;
      }
      continue;
    }
    const c = chunk[i]!;
    if (pendingCR) {
      pendingCR = false;
      if (c === '\n') {
        i++;
        continue;
      }
    }
    if (c === '"') {
      if (quoteJustClosed) {
        // "" across a chunk boundary, or "a""b": an escaped quote inside the quoted field.
        field += '"';
        inQuotes = true;
        quoteJustClosed = false;
      } else if (!fieldStarted) {
        inQuotes = true;
        fieldStarted = true;
      } else {
        field += c;
      }
      i++;
    } else if (c === separator) {
      fields.push(field);
      field = '';
      fieldStarted = false;
      quoteJustClosed = false;
      i++;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      line++;
      recordLine = line;
      if (c === '\r') pendingCR = true;
      i++;
    } else {
      // Fast path: copy up to the next special character.
      let j = i + 1;
      while (j < n) {
        const d = chunk.charCodeAt(j);
        if (d === 34 || d === 10 || d === 13 || d === SEP) break;
        j++;
      }
      field += chunk.slice(i, j);
      fieldStarted = true;
      quoteJustClosed = false;
      i = j;
    }
  }
  Object.assign(state, { fields, field, inQuotes, quoteJustClosed, line, recordLine, fieldStarted, pendingCR });
  return out;
}

/**
 * A flat copy of `s` that does not keep its source alive. Fields are slices of the (1 MB) chunk they were read from,
 * and V8 keeps the whole chunk in memory while any slice of it lives: a catalogue holding a product ID from every chunk
 * would hold the whole file. Use it for the strings kept beyond the current batch. (The copy is flat on purpose: a
 * slice of a fresh string, as `(' ' + s).slice(1)` gives, no longer pins the chunk, but V8 compares sliced strings
 * slowly, and these strings are map keys.)
 */
export const detach = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

/** Parse a whole string (tests, small files). */
export function parseCsvText(text: string): CsvRecord[] {
  const p = createCsvParser();
  return [...p.push(text), ...p.end()];
}

/** Stream records in batches from a byte stream (UTF-8). */
export async function* readCsvBatches(input: AsyncIterable<Buffer | string>): AsyncGenerator<CsvRecord[]> {
  const p = createCsvParser();
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const records = p.push(text);
    if (records.length) yield records;
  }
  const tail = [...p.push(decoder.decode()), ...p.end()];
  if (tail.length) yield tail;
}
