/**
 * axe-core in a puppeteer page: the serious and critical violations of WCAG 2.1 A and AA (and axe's best practices),
 * told in a line each (rule, what it checks, the elements and why), so that a failing test says what to fix.
 */
import { AxePuppeteer } from '@axe-core/puppeteer';
import type { Page } from 'puppeteer';

/** The impacts a page must not have: a reader cannot use what they mark. */
const blocking = new Set(['serious', 'critical']);

export interface AxeProblem {
  rule: string;
  impact: string;
  help: string;
  /** Each element's CSS path and axe's summary of what fails on it. */
  nodes: string[];
}

/** The serious and critical violations on the page as it is now. */
export async function axeProblems(page: Page): Promise<AxeProblem[]> {
  const results = await new AxePuppeteer(page).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations
    .filter((v) => blocking.has(v.impact ?? ''))
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`),
    }));
}

/** The problems as a message: one paragraph a rule. */
export function describeAxeProblems(what: string, problems: readonly AxeProblem[]): string {
  if (!problems.length) return `${what}: no serious or critical axe violation`;
  return [`${what}: ${problems.length} serious or critical axe violation(s)`, ...problems.map((p) => `- ${p.rule} (${p.impact}): ${p.help}\n${p.nodes.map((n) => `    ${n}`).join('\n')}`)].join('\n');
}

/** Fails with the readable list when axe finds a serious or critical violation on the page. */
export async function expectNoSeriousAxeViolation(page: Page, what: string): Promise<void> {
  const problems = await axeProblems(page);
  if (problems.length) throw new Error(describeAxeProblems(what, problems));
}
