/**
 * Markdown of a notebook's cells and `show.markdown` outputs to HTML (marked, GitHub flavour). Raw HTML in the
 * markdown is shown as text, not interpreted, and links keep only http(s), mailto and in-page targets: a report is
 * read by people who did not write it.
 */
import { Marked } from 'marked';
import { esc } from '../reports/format';

const safeHref = (href: string) => /^(https?:|mailto:|#)/i.test(href.trim());

const marked = new Marked({
  gfm: true,
  renderer: {
    html: (token) => esc(token.text),
    link(token) {
      const text = this.parser.parseInline(token.tokens);
      return safeHref(token.href) ? `<a href="${esc(token.href)}"${token.title ? ` title="${esc(token.title)}"` : ''}>${text}</a>` : text;
    },
    // Only images already inside the file (data: URIs): the report makes no request.
    image: (token) => (/^data:image\//i.test(token.href) ? `<img src="${esc(token.href)}" alt="${esc(token.text)}">` : `<span class="note">[image: ${esc(token.text || token.href)}]</span>`),
  },
});

export function renderMarkdown(text: string): string {
  return marked.parse(text, { async: false });
}

/** The text of the first `# ` heading, for the report's title. */
export function firstHeading(markdownTexts: readonly string[]): string | null {
  for (const t of markdownTexts) {
    const m = /^#\s+(.+?)\s*#*\s*$/m.exec(t);
    if (m) return m[1]!.replace(/[*_`]/g, '');
  }
  return null;
}
