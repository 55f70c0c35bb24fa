/**
 * Charts' SVG → PNG with resvg, in this process: the workbook's and the mail's images, at twice their size for sharp
 * prints, with the system's fonts (DejaVu, as the PDF). No browser: Chromium is left to print the PDF.
 */
import { Resvg } from '@resvg/resvg-js';
import { throwIfAborted } from '../io/abort';

/** SVG → PNG at `scale` times its size. `name` is for error messages: a chart that does not draw is named. */
export function svgToPng(svg: string, name = 'chart', scale = 2): Buffer {
  let r: Resvg;
  try {
    r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, background: 'white', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  } catch (e) {
    throw new Error(`${name}: the chart's SVG did not render (${(e as Error).message})`);
  }
  if (!(r.width >= 1 && r.height >= 1)) throw new Error(`${name}: the chart has no area to draw (${r.width}×${r.height} px)`);
  return Buffer.from(r.render().asPng());
}

/** Several charts' SVG → PNG by name, in order; a cancel stops between charts. */
export function svgsToPngs(svgs: Record<string, string>, signal?: AbortSignal): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [name, svg] of Object.entries(svgs)) {
    throwIfAborted(signal);
    out[name] = svgToPng(svg, name);
  }
  return out;
}
