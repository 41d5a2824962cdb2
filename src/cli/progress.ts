// A progress line with ETA on stderr for long CLI work (one line, redrawn; silent when stderr is not a
// terminal, so logs and --json output stay clean).
export interface Progress {
  update(done: number): void;
  done(done: number): void;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds), m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function progressLine(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const start = performance.now();
  const live = stream.isTTY === true;
  let last = 0;
  const draw = (done: number, final: boolean) => {
    const now = performance.now();
    if (!live || (!final && now - last < 100)) return;
    last = now;
    const elapsed = (now - start) / 1000;
    const frac = total > 0 ? done / total : 1;
    const eta = frac > 0 ? elapsed * (1 - frac) / frac : Infinity;
    const width = 24, filled = Math.round(frac * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${(100 * frac).toFixed(0)}% ` +
      `elapsed ${clock(elapsed)} eta ${final ? '0:00' : clock(eta)}   ${final ? '\n' : ''}`);
  };
  return { update: (d) => draw(d, false), done: (d) => draw(d, true) };
}
