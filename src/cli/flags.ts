// The one parser of numeric command-line flags: `--<name> <raw>` is a number (an integer unless
// `integer` is false) in min..max, else one line naming the flag, the value and the range. An empty or
// blank value is refused (Number(' ') is 0). Also: --workers' cap, and negative values that Node's
// parseArgs would take for flags.
import { GibbonError } from '../util/errors.ts';

export function numberFlag(raw: string | undefined, name: string, fallback: number, min: number, max: number, integer = true): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    throw new GibbonError('E_OPTION', `--${name}: got ${JSON.stringify(raw)}; allowed: ${integer ? 'an integer' : 'a number'} in ${min}..${max}`);
  }
  return v;
}

/** A number flag with only a lower bound: `--<name>: got …; allowed: a number >= min`. */
export function atLeastFlag(raw: string, name: string, min: number): number {
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < min) throw new GibbonError('E_OPTION', `--${name}: got ${JSON.stringify(raw)}; allowed: a number >= ${min}`);
  return v;
}

/** The most simulator threads a --workers may ask for: 4 per core, at most 64 (more only take memory: 256 took 2.7 GB on 2 cores). */
export const maxWorkers = (cores: number): number => Math.min(64, 4 * cores);

/** --workers <n>: threads, default one per core, at most maxWorkers(cores) (cores: the machine's, passed in so this file stays web-standard). */
export function workersFlag(raw: string | undefined, cores: number): number {
  const max = maxWorkers(cores);
  if (raw === undefined) return Math.min(cores, max);
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new GibbonError('E_OPTION', `--workers: got ${JSON.stringify(raw)}; allowed: an integer in 1..${max} (at most 4 threads per core, 64 in all; this machine has ${cores} core${cores === 1 ? '' : 's'})`);
  }
  return v;
}

/**
 * `--flag -3` as `--flag=-3`: Node's parseArgs takes a value that starts with '-' for another flag and
 * fails with 'argument is ambiguous', so a negative number never reached our range check. A token after
 * a long flag (no '=' in it) that reads as a negative number is joined to it; '--' ends the flags.
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { out.push(...argv.slice(i)); break; }
    const next = argv[i + 1];
    if (a.startsWith('--') && !a.includes('=') && next !== undefined && /^-(\d|\.\d|Infinity$)/.test(next)) { out.push(`${a}=${next}`); i++; } else out.push(a);
  }
  return out;
}

/**
 * A flag holding a JSON object (`--algorithm-options '{"temperature":1}'`): its value when every entry passes
 * `accept`, else `<flag>: got <raw>; allowed: a JSON object of <what>, e.g. '<example>'`.
 */
export function jsonObjectFlag<T>(flag: string, raw: string, accept: (v: unknown) => v is T, what: string, example: string): Record<string, T> {
  let o: unknown;
  try { o = JSON.parse(raw); } catch { o = undefined; }
  if (typeof o !== 'object' || o === null || Array.isArray(o) || !Object.values(o).every(accept)) {
    throw new GibbonError('E_OPTION', `${flag}: got ${JSON.stringify(raw)}; allowed: a JSON object of ${what}, e.g. '${example}'`);
  }
  return o as Record<string, T>;
}

/** Runs what a flag's value builds (checking it); a GibbonError it raises is raised again with the flag's name first. */
export function checkFlag<T>(flag: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof GibbonError) throw new GibbonError('E_OPTION', `${flag}: ${e.message}`);
    throw e;
  }
}
