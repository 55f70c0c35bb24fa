/**
 * Generated rows streamed to a CSV file written whole or not at all, with a sidecar manifest of its parameters, line
 * count and size: a reader trusts a generated file only when the manifest matches (`checkGenerated`).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createAtomicStream, removeLeftovers, writeFileAtomic } from '../../io/atomic';
import { generateRows, resolveGenerateOptions, type GenerateOptions } from './generate';

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export interface GeneratedManifest {
  generator: 'erp-insights generate';
  options: GenerateOptions;
  lines: number;
  bytes: number;
  sha256: string;
  written_at: string;
}

export const sidecarOf = (file: string) => `${file}.manifest.json`;

export async function writeGeneratedCsv(file: string, opts: GenerateOptions, onProgress?: (lines: number) => void): Promise<number> {
  removeLeftovers(path.dirname(file));
  // The old sidecar goes first: from here until the new one is written, the file is not trusted.
  fs.rmSync(sidecarOf(file), { force: true });
  const out = createAtomicStream(file);
  const hash = createHash('sha256');
  let bytes = 0;
  const write = async (text: string) => {
    hash.update(text);
    bytes += Buffer.byteLength(text);
    if (!out.stream.write(text)) await once(out.stream, 'drain');
  };
  let chunk: string[] = [];
  let lines = -1; // the header is not a line of data
  try {
    for (const row of generateRows(opts)) {
      chunk.push(row.map(csvField).join(','));
      lines++;
      if (chunk.length === 2000) {
        await write(chunk.join('\n') + '\n');
        chunk = [];
        onProgress?.(lines);
      }
    }
    if (chunk.length) await write(chunk.join('\n') + '\n');
    await out.commit();
  } catch (err) {
    await out.abort();
    throw err;
  }
  const manifest: GeneratedManifest = { generator: 'erp-insights generate', options: opts, lines, bytes, sha256: hash.digest('hex'), written_at: new Date().toISOString() };
  writeFileAtomic(sidecarOf(file), `${JSON.stringify(manifest, null, 2)}\n`);
  onProgress?.(lines);
  return lines;
}

/**
 * Why a generated file cannot be used for `opts`, or undefined when it can: it exists, its sidecar asks for the same
 * options once defaults are filled in, and it has the recorded size (a cheap check; the hash is there for a thorough one).
 */
export function checkGenerated(file: string, opts: GenerateOptions): string | undefined {
  if (!fs.existsSync(file)) return `${file} does not exist`;
  let m: GeneratedManifest;
  try {
    m = JSON.parse(fs.readFileSync(sidecarOf(file), 'utf8')) as GeneratedManifest;
  } catch {
    return `${file} has no manifest (${path.basename(sidecarOf(file))}): it may be cut short by a killed run`;
  }
  // Defaults filled on both sides: `--years 4` and no `--years` make the same file.
  const want = JSON.stringify(resolveGenerateOptions(opts));
  const have = JSON.stringify(resolveGenerateOptions(m.options));
  if (want !== have) return `${file} was generated with ${have}, not ${want}`;
  const size = fs.statSync(file).size;
  if (size !== m.bytes) return `${file} has ${size.toLocaleString('en-US')} bytes, its manifest says ${m.bytes.toLocaleString('en-US')}: it was cut short or changed`;
  return undefined;
}

/** A generated file for `opts`, made again when the one there does not match (the reason is passed to `onRegenerate`). */
export async function ensureGenerated(file: string, opts: GenerateOptions, hooks: { onRegenerate?: (reason: string) => void; onProgress?: (lines: number) => void } = {}): Promise<boolean> {
  const problem = checkGenerated(file, opts);
  if (!problem) return false;
  if (fs.existsSync(file)) hooks.onRegenerate?.(problem);
  await writeGeneratedCsv(file, opts, hooks.onProgress);
  return true;
}
