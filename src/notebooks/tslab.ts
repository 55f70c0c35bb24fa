/**
 * The adapter to the tslab kernel's display channel. tslab's public `display` sends one MIME type per output; a chart
 * must be ONE output carrying several (Vega-Lite for JupyterLab, PNG for an untrusted Jupyter Notebook, text), so
 * this goes through the function tslab itself uses, on the very module instance the running kernel loaded (found in
 * the require cache: importing `tslab` from here could load another copy, one the kernel never set up).
 */
import type { MimeBundle } from './ipynb';

type WriteDisplayData = (content: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

function kernelWriter(): WriteDisplayData | null {
  const key = Object.keys(require.cache).find((k) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(k));
  const mod = key ? (require.cache[key]?.exports as { lastWriteDisplayData?: WriteDisplayData | null } | undefined) : undefined;
  return mod?.lastWriteDisplayData ?? null;
}

/** Shows a MIME bundle as one output under tslab; elsewhere (a script, a test) prints its text/plain form. */
export function displayBundle(bundle: MimeBundle, write: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): void {
  const writer = kernelWriter();
  if (writer) writer({ data: bundle, metadata: {}, transient: {} }, false);
  else write(String(bundle['text/plain'] ?? ''));
}
