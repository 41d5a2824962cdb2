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
