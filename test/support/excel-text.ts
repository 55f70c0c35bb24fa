/**
 * The text Excel shows for a number in one of the workbook's number formats: sections (positive; negative; zero),
 * quoted literals, `\x` escapes, a `#,##0.00`-style number with thousands separators and decimals, `%` (× 100) and
 * colours such as `[Red]` (no text). Enough for the report's formats, written from Excel's documented rules; the
 * SheetJS `ssf` library cross-checks it where it can parse the format (it refuses a `%` after a space, "0.0 %").
 */
export function excelText(value: number, format: string): string {
  const sections = splitOutsideQuotes(format);
  const section = value < 0 && sections[1] !== undefined ? sections[1] : value === 0 && sections[2] !== undefined ? sections[2] : sections[0]!;
  // A negative value in its own section is shown without its sign: the section writes any sign it wants.
  const v = value < 0 && sections[1] !== undefined ? -value : value;
  const scaled = section.replace(/"[^"]*"/g, '').includes('%') ? v * 100 : v;
  let out = '';
  for (let i = 0; i < section.length; i++) {
    const c = section[i]!;
    if (c === '"') {
      const end = section.indexOf('"', i + 1);
      out += section.slice(i + 1, end);
      i = end;
    } else if (c === '\\') out += section[++i] ?? '';
    else if (c === '[') i = section.indexOf(']', i);
    else if (/[#0]/.test(c)) {
      const token = /^[#0,.]+/.exec(section.slice(i))![0];
      out += formatNumber(scaled, token);
      i += token.length - 1;
    } else out += c;
  }
  return out;
}

function splitOutsideQuotes(format: string): string[] {
  const parts = [''];
  let quoted = false;
  for (const c of format) {
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) parts.push('');
    else parts[parts.length - 1] += c;
  }
  return parts;
}

function formatNumber(v: number, token: string): string {
  const decimals = token.includes('.') ? token.split('.')[1]!.replace(/,/g, '').length : 0;
  const fixed = Math.abs(v).toFixed(decimals);
  const [int, frac] = fixed.split('.');
  const grouped = token.split('.')[0]!.includes(',') ? int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : int!;
  return `${v < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}
