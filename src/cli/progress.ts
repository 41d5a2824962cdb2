// The CLI's one progress line on stderr: redrawn in place on a terminal; elsewhere (a log, a pipe) only
// the lines a command marks as worth keeping are written, so logs stay short and --json output clean.
// Commands format their own text (the search's status, a training epoch); the bar form is `barLine`.
import { clock } from '../util/clock.ts';

export type Stream = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * How a text is shown: 'redraw' only on a terminal (a transient update); 'log' redrawn on a terminal,
 * a line elsewhere; 'line' a finished line everywhere (the next text starts below it).
 */
export type ShowMode = 'redraw' | 'log' | 'line';

export interface StatusLine {
  readonly live: boolean;
  show(text: string, mode?: ShowMode): void;
  /** Ends a redrawn line (a terminal only). */
  end(): void;
}

export function statusLine(stream: Stream = process.stderr): StatusLine {
  const live = stream.isTTY === true;
  return {
    live,
    show(text, mode = 'redraw') {
      if (live) stream.write(`\r${text}\x1b[K${mode === 'line' ? '\n' : ''}`);
      else if (mode !== 'redraw') stream.write(`${text}\n`);
    },
    end() { if (live) stream.write('\n'); },
  };
}

/**
 * `done/total` with elapsed time and ETA: a redrawn line on a terminal; elsewhere a line at every tenth of
 * the work (`logTenths`) or nothing. `extra` goes after the count.
 */
export function countLine(what: string, opts: { stream?: Stream; bar?: boolean; logTenths?: boolean } = {}) {
  const line = statusLine(opts.stream);
  const start = performance.now();
  let lastTenth = -1, lastDraw = -Infinity;
  return {
    update(done: number, total: number, extra = '') {
      const now = performance.now();
      const final = done >= total;
      const tenth = Math.floor((10 * done) / Math.max(1, total));
      const log = opts.logTenths === true && tenth !== lastTenth;
      if (!final && !log && now - lastDraw < 100) return;
      lastDraw = now;
      lastTenth = tenth;
      const elapsed = (now - start) / 1000;
      const eta = done > 0 ? (elapsed / done) * (total - done) : Infinity;
      const frac = total > 0 ? done / total : 1;
      const count = opts.bar
        ? `[${'#'.repeat(Math.round(frac * 24))}${'.'.repeat(24 - Math.round(frac * 24))}] ${done}/${total} ${(100 * frac).toFixed(0)}%`
        : `${done}/${total}`;
      line.show(`${what} ${count}${extra} elapsed ${clock(elapsed)} eta ${final ? '0:00' : clock(eta)}`, log ? 'log' : 'redraw');
    },
    end() { line.end(); },
  };
}
