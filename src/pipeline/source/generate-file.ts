/** Streams generated rows to a CSV file with backpressure, so memory stays flat at any size. */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { generateRows, type GenerateOptions } from './generate';

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export async function writeGeneratedCsv(file: string, opts: GenerateOptions, onProgress?: (lines: number) => void): Promise<number> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const out = fs.createWriteStream(file);
  let chunk: string[] = [];
  let lines = -1; // the header is not a line of data
  for (const row of generateRows(opts)) {
    chunk.push(row.map(csvField).join(','));
    lines++;
    if (chunk.length === 2000) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
      onProgress?.(lines);
    }
  }
  if (chunk.length) out.write(chunk.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
  onProgress?.(lines);
  return lines;
}
