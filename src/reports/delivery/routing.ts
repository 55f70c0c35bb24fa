/**
 * Who gets a report mail (pure): the e-mail channel's own `to`, then the job's recipients: in a burst, the branch's
 * (`recipients[branchId]`) and everyone's (`recipients['*']`); without a burst, everyone's only.
 */

/** The branch of a burst item, or null (a report of every branch, or a job without `burst`). */
export function routeRecipients(to: readonly string[], recipients: Readonly<Record<string, readonly string[]>>, branchId: string | null): string[] {
  const extra = [...(branchId !== null ? (recipients[branchId] ?? []) : []), ...(recipients['*'] ?? [])];
  const seen = new Set<string>();
  // The same address twice (in `to` and under `*`, or in another case) is one recipient.
  return [...to, ...extra].filter((a) => {
    const key = a.trim().toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
