// The one option resolution (docs/style.md rule 5): user options merged over frozen defaults once, unknown
// keys and bad values refused with the standard line `<source>: options.<name>: got <value>; allowed:
// <rule>`, and a fully filled object handed on. The search algorithms, the predictor and its screen
// resolve their options here.
import { fieldError, unknownKeyError } from './errors.ts';

/** A number in min..max (an integer when `integer`); `minExclusive` makes the range (min, max]. */
export interface NumberRule { min: number; max: number; integer?: boolean; minExclusive?: boolean }
/** One of a few values. */
export interface ChoiceRule { oneOf: readonly (string | number)[] }
export type OptionRule = NumberRule | ChoiceRule;

type OptionValue = string | number;

export function describeRule(rule: OptionRule): string {
  if ('oneOf' in rule) return rule.oneOf.length === 2 && rule.oneOf.every((v) => typeof v === 'number') ? `${rule.oneOf[0]} or ${rule.oneOf[1]}` : rule.oneOf.map((v) => JSON.stringify(v)).join(', ');
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.max === Infinity) return `${kind} ${rule.minExclusive ? '>' : '>='} ${rule.min}`;
  return rule.minExclusive ? `${kind} in (${rule.min}, ${rule.max}]` : `${kind} in ${rule.min}..${rule.max}`;
}

export function meetsRule(value: unknown, rule: OptionRule): boolean {
  if ('oneOf' in rule) return rule.oneOf.includes(value as OptionValue);
  return typeof value === 'number' && Number.isFinite(value) && (rule.minExclusive ? value > rule.min : value >= rule.min) && value <= rule.max && (!rule.integer || Number.isInteger(value));
}

/**
 * `defaults` with the user's options over them. An option the defaults do not name is refused (listing
 * the allowed names); an undefined value keeps the default; every value (defaults included: a required
 * option's default may be undefined at run time) must meet its rule.
 */
export function resolveOptions<T extends { [K in keyof T]: OptionValue }>(
  source: string, user: Readonly<Partial<NoInfer<T>>> | undefined, defaults: Readonly<T>, rules: NoInfer<{ readonly [K in keyof T]: OptionRule }>,
): T {
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(user ?? {})) {
    if (!Object.hasOwn(defaults, key)) throw unknownKeyError('E_OPTION', source, `options.${key}`, 'option', Object.keys(defaults).join(', '));
    if (value !== undefined) out[key] = value;
  }
  for (const [key, rule] of Object.entries(rules) as [string, OptionRule][]) {
    if (!meetsRule(out[key], rule)) throw fieldError('E_OPTION', source, `options.${key}`, out[key], describeRule(rule));
  }
  return out as T;
}
