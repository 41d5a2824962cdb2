// Files the user hands to the page (a picker, drag and drop): their text, parsed JSON with errors that
// name the file, as the CLI's readJsonFile does for a path. Web-standard.
import { GibbonError } from '../util/errors.ts';

/** A file from the page: its name (what messages show) and its text. */
export interface PickedFile {
  name: string;
  text: string;
}

/** The file's parsed JSON; a syntax error is one E_FILE message naming the file. */
export function parseJsonFile(file: PickedFile): unknown {
  try {
    return JSON.parse(file.text) as unknown;
  } catch (e) {
    throw new GibbonError('E_FILE', `${file.name}: not valid JSON (${(e as Error).message})`, { source: file.name });
  }
}

/** The last path segment ("runs/x/front.json" -> "front.json"): a picked directory gives relative paths. */
export function baseName(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? path : path.slice(cut + 1);
}

/** Reads browser File objects (webkitRelativePath kept as the name when there is one). */
export async function readPicked(files: Iterable<File>): Promise<PickedFile[]> {
  return Promise.all([...files].map(async (f) => ({ name: f.webkitRelativePath || f.name, text: await f.text() })));
}
