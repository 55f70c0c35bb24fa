/**
 * How much of each page of a PDF is blank, read from its pixels: poppler's `pdftoppm` draws the pages in grey at a
 * low resolution, and a row of pixels without ink is blank. The largest blank band between the running header and
 * footer, as a share of that height, is what a reader sees as "a page three-quarters empty".
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PageFill {
  page: number;
  /** The largest run of blank rows, as a share of the page's body (between the margins). */
  largestBlank: number;
}

/** P5 (binary greyscale) PGM → width, height and pixels. */
function readPgm(file: string): { width: number; height: number; pixels: Buffer } {
  const buf = fs.readFileSync(file);
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error(`${file} is not a binary PGM`);
  return { width: Number(header[1]), height: Number(header[2]), pixels: buf.subarray(header[0].length) };
}

/**
 * Each page's largest blank band. `marginMm` is the page's top and bottom margin (the running header and footer
 * sit in it, so they do not count as content).
 */
export function pageFill(pdf: string, marginMm = 16, dpi = 30): PageFill[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pages-'));
  try {
    execFileSync('pdftoppm', ['-r', String(dpi), '-gray', pdf, path.join(dir, 'p')]);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.pgm')).sort((a, b) => Number(/(\d+)\.pgm$/.exec(a)![1]) - Number(/(\d+)\.pgm$/.exec(b)![1]));
    return files.map((f, i) => {
      const { width, height, pixels } = readPgm(path.join(dir, f));
      const margin = Math.ceil((marginMm / 25.4) * dpi);
      let run = 0;
      let largest = 0;
      for (let y = margin; y < height - margin; y++) {
        const row = pixels.subarray(y * width, (y + 1) * width);
        const blank = row.every((p) => p > 245);
        run = blank ? run + 1 : 0;
        largest = Math.max(largest, run);
      }
      return { page: i + 1, largestBlank: largest / (height - 2 * margin) };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
