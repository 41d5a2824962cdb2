// The one parser of numeric command-line flags: `--<name> <raw>` is a number (an integer unless
// `integer` is false) in min..max, else one line naming the flag, the value and the range. An empty or
// blank value is refused (Number(' ') is 0).
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
