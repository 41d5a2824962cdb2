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

export { checkFlag, jsonObjectFlag } from './flags.ts';
