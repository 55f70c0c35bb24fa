import { burstJob, formatBurstTable, type BurstResult } from '../../../src/bench/burst';
import { isNotebookJob } from '../../../src/reports/schedule';

describe('burstJob', () => {
  it('bursts the executive report of the period over the branches, PDF and workbook, mailed to each branch and the board', () => {
    const job = burstJob('bench-burst-1', '2017-12', [{ id: 'BR-EAST' }, { id: 'BR-WEST' }], 'bench-1.example.com');
    expect(isNotebookJob(job)).toBe(false);
    expect(job).toMatchObject({ name: 'bench-burst-1', report: 'executive', period: '2017-12', formats: ['pdf', 'xlsx'], burst: 'branch', retries: 0 });
    expect(job.deliver).toEqual([{ email: { to: ['board@bench-1.example.com'], attach: ['pdf', 'xlsx'] } }]);
    expect(job.recipients).toEqual({ 'BR-EAST': ['br-east@bench-1.example.com'], 'BR-WEST': ['br-west@bench-1.example.com'] });
  });
});

describe('formatBurstTable', () => {
  const result: BurstResult = {
    period: '2017-12',
    totalSeconds: 9.44,
    loadAverage: 1.5,
    otherChromium: 0,
    delivered: 2,
    branches: [
      { branch: 'BR-EAST', steps: { data: 0.2, charts: 0.3, pdf: 0.5, xlsx: 1 }, runSeconds: 2.5, publishSeconds: 0.2, smtpSeconds: 0.1, mails: 1, attachedBytes: 600 * 1024 },
      { branch: 'BR-WEST', steps: { data: 0.1, charts: 0.2, pdf: 0.4, xlsx: 0.8 }, runSeconds: 2, publishSeconds: 0.1, smtpSeconds: 0.05, mails: 1, attachedBytes: 1024 * 1024 },
    ],
    memory: { rss: { totalMb: 1400.4, childrenMb: 1100 }, pss: { totalMb: 580.6, childrenMb: 400.2 }, peakSelfMb: 260, maxChildren: 11, maxChromium: 10, browserPids: [4492], samples: 95, maxGapMs: 420, samplingMs: 300 },
  };
  const text = formatBurstTable(result);

  it('has one row per branch with its render (the sum of its steps), each step, delivery and SMTP time', () => {
    expect(text).toContain('| BR-EAST | 2017-12 | 2.00 | data 0.20, charts 0.30, pdf 0.50, xlsx 1.00 | 2.50 | 0.20 | 0.10 | 1 | 0.59 |');
    expect(text).toContain('| BR-WEST | 2017-12 | 1.50 | data 0.10, charts 0.20, pdf 0.40, xlsx 0.80 | 2.00 | 0.10 | 0.05 | 1 | 1.00 |');
  });

  it('sums rendering and delivery apart, and leaves the rest of the total to the set-up', () => {
    expect(text).toContain('| burst: 2 branch reports, PDF + workbook, mailed (total) | 9.4 s | ≤ 15 s (aim 10) |');
    expect(text).toContain("| rendering (sum of the runs' steps) | 3.50 s | — |");
    expect(text).toMatch(/\| the runs beside their steps [^|]*\| 1\.00 s \|/);
    expect(text).toContain('| delivery (compose, send, record) | 0.30 s, of which SMTP 0.15 s | — |');
    expect(text).toMatch(/\| set-up [^|]*\| 4\.64 s \|/);
  });

  it('states the peak memory against 600 MB, the browsers launched and the mails read back', () => {
    expect(text).toMatch(/\| peak memory: [^|]*PSS[^|]*\| 581 MB \(Chromium 400 MB of it\) \| < 600 MB \|/);
    expect(text).toMatch(/RSS summed[^|]*\| 1400 MB \(Chromium 1100 MB of it, up to 10 processes/);
    expect(text).toContain('| Chromium browsers launched | 1 | 1 |');
    expect(text).toContain('| mails read back from Mailpit | 2 of 2 | 2 |');
    expect(text).toContain('Machine load (1-minute average) at the start: 1.50; Chromium processes of other programs: 0');
  });
});
