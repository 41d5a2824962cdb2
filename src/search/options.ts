// Option resolution (style.md rule 5): merge user options over defaults once, reject unknown keys and
// out-of-range values with the standard message, and hand the algorithm a fully filled object.

import { fieldError, unknownKeyError } from '../util/errors.ts';

export interface NumberRule { min: number; max: number; integer?: boolean }

export function resolveOptions<T extends Record<string, number>>(
  source: string, user: Partial<T> | undefined, defaults: T, rules: { [K in keyof T]: NumberRule },
): T {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(user ?? {})) {
    if (!Object.hasOwn(defaults, key)) throw unknownKeyError('E_OPTION', source, key, 'option', Object.keys(defaults).join(', '));
    if (value === undefined) continue;
    const rule = rules[key as keyof T];
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= rule.min && value <= rule.max && (!rule.integer || Number.isInteger(value));
    if (!ok) throw fieldError('E_OPTION', source, key, value, `${rule.integer ? 'an integer' : 'a number'} in ${rule.min}..${rule.max}`);
    (out as Record<string, number>)[key] = value;
  }
  return out;
}
