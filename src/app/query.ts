// The automation contract's first half (docs/app.md §4): query parameters named like the CLI flags
// pre-fill a panel's form, e.g. ?tab=simulate&net=vgg8&set=xbar.size=256&autorun=1. Web-standard.
import { GibbonError } from '../util/errors.ts';

/** A panel's query parameters: each flag name, and whether it may repeat (--set). */
export interface QuerySpec {
  /** The panel (the `tab` value) these flags belong to. */
  tab: string;
  flags: readonly string[];
  repeatable?: readonly string[];
}

/** Flags every panel accepts. */
const COMMON = ['tab', 'autorun'] as const;

export interface PanelQuery {
  tab: string;
  autorun: boolean;
  /** Flag -> its values, in order (one value unless the flag is repeatable). */
  values: Map<string, string[]>;
}

/**
 * The query of a page URL against the panels' specs. An unknown parameter, or a repeated one that may not
 * repeat, is one E_OPTION message naming it and what is allowed (the page shows it).
 */
export function parseQuery(search: string, specs: readonly QuerySpec[], defaultTab: string): PanelQuery {
  const params = new URLSearchParams(search);
  const tab = params.get('tab') ?? defaultTab;
  const spec = specs.find((s) => s.tab === tab);
  if (spec === undefined) throw new GibbonError('E_OPTION', `query: tab: got ${JSON.stringify(tab)}; allowed: ${specs.map((s) => s.tab).join(', ')}`);
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    if ((COMMON as readonly string[]).includes(key)) continue;
    if (!spec.flags.includes(key)) {
      throw new GibbonError('E_OPTION', `query: ${key}: got an unknown parameter; allowed for tab=${tab}: ${[...COMMON, ...spec.flags].join(', ')}`);
    }
    const list = values.get(key) ?? [];
    if (list.length > 0 && !(spec.repeatable ?? []).includes(key)) {
      throw new GibbonError('E_OPTION', `query: ${key}: got it twice; allowed: once`);
    }
    list.push(value);
    values.set(key, list);
  }
  const autorun = params.get('autorun');
  if (autorun !== null && autorun !== '0' && autorun !== '1') throw new GibbonError('E_OPTION', `query: autorun: got ${JSON.stringify(autorun)}; allowed: 0 or 1`);
  return { tab, autorun: autorun === '1', values };
}

/** A boolean flag's value: present with no value, 1 or true -> true; 0 or false -> false. */
export function queryBoolean(q: PanelQuery, flag: string): boolean | undefined {
  const v = q.values.get(flag)?.[0];
  if (v === undefined) return undefined;
  if (v === '' || v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new GibbonError('E_OPTION', `query: ${flag}: got ${JSON.stringify(v)}; allowed: 1, true, 0 or false (or no value)`);
}
