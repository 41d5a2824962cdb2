// Node-only helpers of the CLI: read a JSON input with errors that name the file; a JSON-object flag with
// errors that name the flag.
import { readFileSync } from 'node:fs';
import { GibbonError } from '../util/errors.ts';

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GibbonError('E_FILE', `${path}: cannot read the ${what} file (${code ?? String(e)})`, { source: path });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new GibbonError('E_FILE', `${path}: not valid JSON (${(e as Error).message})`, { source: path });
  }
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
