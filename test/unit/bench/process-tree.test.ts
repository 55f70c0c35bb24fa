import { descendantsOf, isChromiumBrowser, parseProcStat, parsePssKb, parseRssKb } from '../../../src/bench/process-tree';

describe('parseProcStat', () => {
  it('reads the pid, the name and the parent pid', () => {
    expect(parseProcStat('4492 (chromium) S 4470 4470 31050 0 -1 4194560 38109 0')).toEqual({ pid: 4492, ppid: 4470, comm: 'chromium' });
  });

  it('keeps a name holding spaces and parentheses whole, ending it at the last parenthesis', () => {
    expect(parseProcStat('77 (Web Content (x)) R 12 77 77 0 -1')).toEqual({ pid: 77, ppid: 12, comm: 'Web Content (x)' });
  });

  it('gives null for text that is not a stat line', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('abc (x) S y')).toBeNull();
  });
});

describe('parseRssKb and parsePssKb', () => {
  it('read the resident and the proportional memory in kB', () => {
    expect(parseRssKb('Name:\tchromium\nVmHWM:\t  300000 kB\nVmRSS:\t  210948 kB\nRssAnon:\t 1 kB\n')).toBe(210948);
    expect(parsePssKb('55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:              210948 kB\nPss:              126708 kB\nPss_Anon: 90000 kB\n')).toBe(126708);
  });

  it('give null for a process without them (a zombie has no VmRSS)', () => {
    expect(parseRssKb('Name:\tchromium\nState:\tZ (zombie)\n')).toBeNull();
    expect(parsePssKb('')).toBeNull();
  });
});

describe('descendantsOf', () => {
  const procs = [
    { pid: 1, ppid: 0, comm: 'init' },
    { pid: 10, ppid: 1, comm: 'node' },
    { pid: 11, ppid: 10, comm: 'chromium' },
    { pid: 12, ppid: 11, comm: 'chromium' },
    { pid: 13, ppid: 12, comm: 'chromium' },
    { pid: 14, ppid: 10, comm: 'esbuild' },
    { pid: 20, ppid: 1, comm: 'other' },
  ];

  it('finds children, their children and so on, without the root or unrelated processes', () => {
    expect(descendantsOf(10, procs).map((p) => p.pid).sort()).toEqual([11, 12, 13, 14]);
    expect(descendantsOf(13, procs)).toEqual([]);
  });
});

describe('isChromiumBrowser', () => {
  const launched = { comm: 'chromium', parentComm: 'node' };

  it('is the browser process, whose command line has no --type', () => {
    expect(isChromiumBrowser({ ...launched, cmdline: '/usr/lib/chromium/chromium\0--headless=new\0--no-first-run\0' })).toBe(true);
  });

  it('is not a helper, whether its command line is NUL-separated or rewritten with spaces by the zygote', () => {
    expect(isChromiumBrowser({ comm: 'chromium', parentComm: 'chromium', cmdline: '/usr/lib/chromium/chromium\0--type=zygote\0--no-sandbox\0' })).toBe(false);
    expect(isChromiumBrowser({ ...launched, cmdline: '/usr/lib/chromium/chromium --type=renderer --crashpad-handler-pid=0' })).toBe(false);
  });

  it("is not the browser's own fork caught before it became a helper (same command line, a Chromium parent)", () => {
    expect(isChromiumBrowser({ comm: 'chromium', parentComm: 'chromium', cmdline: '/usr/lib/chromium/chromium\0--headless=new\0' })).toBe(false);
  });

  it("is not Debian's launcher shell nor its subshells, named chromium too", () => {
    expect(isChromiumBrowser({ ...launched, cmdline: '/bin/sh\0/usr/bin/chromium\0--headless=new\0' })).toBe(false);
  });

  it('is not another program', () => {
    expect(isChromiumBrowser({ comm: 'node', parentComm: 'bash', cmdline: '/usr/bin/node\0script.js\0' })).toBe(false);
  });
});
