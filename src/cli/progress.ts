/** Progress for long work: a live bar on a terminal, a line every few seconds otherwise (CI logs, pipes). */
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, extra?: string): void;
  stop(): void;
}

export function createProgress(label: string, total: number | undefined, stream: NodeJS.WriteStream = process.stderr): Progress {
  const start = Date.now();
  if (stream.isTTY && total) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted} {extra}`, stream, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, 0, { rate: '0', extra: '' });
    return {
      update: (done, extra = '') => {
        const secs = (Date.now() - start) / 1000;
        bar.update(done, { rate: secs > 0 ? Math.round(done / secs).toLocaleString('en-US') : '0', extra });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update: (done, extra = '') => {
      const now = Date.now();
      if (now - last < 2000) return;
      last = now;
      const secs = (now - start) / 1000;
      const rate = secs > 0 ? done / secs : 0;
      const pct = total ? ` ${((100 * done) / total).toFixed(1)}%` : '';
      const eta = total && rate > 0 ? ` ETA ${Math.ceil((total - done) / rate)}s` : '';
      stream.write(`${label}: ${done.toLocaleString('en-US')}${total ? `/${total.toLocaleString('en-US')}` : ''}${pct} ${Math.round(rate).toLocaleString('en-US')}/s${eta} ${extra}\n`);
    },
    stop: () => undefined,
  };
}
