// The one error type of Gibbon-TS. Every message has one shape (style.md, Errors):
//   <source>: <json.path>: got <value as JSON>; allowed: <allowed values>
// e.g. `arch.json: xbar.rows: got 300; allowed: an integer in 8..4096 that is a multiple of
// xbar.subarrayRows (256)`. `source` is a file name, `--set`, or `network vgg8`.

/** E_ABORTED: the caller's AbortSignal (or Ctrl-C) stopped the work. E_QUEUE: a distributed evaluation failed or was refused. */
export type ErrorCode = 'E_ARCH' | 'E_NETWORK' | 'E_OPTION' | 'E_KERNEL' | 'E_FILE' | 'E_DATASET' | 'E_MODEL' | 'E_SPACE' | 'E_ABORTED' | 'E_QUEUE';

export interface ErrorDetails {
  /** Where the bad input came from: a file name, `--set`, `network vgg8`. */
  source?: string;
  /** Dotted JSON path of the offending field, e.g. `layers[3].kernel`. */
  path?: string;
}

export class GibbonError extends Error {
  readonly code: ErrorCode;
  readonly source?: string;
  readonly path?: string;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'GibbonError';
    this.code = code;
    if (details.source !== undefined) this.source = details.source;
    if (details.path !== undefined) this.path = details.path;
  }
}

/** Longest rendering of a value inside a message; longer ones are cut with an ellipsis. */
const MAX_VALUE_CHARS = 80;

/**
 * A value rendered as JSON for a message, except that NaN and ±Infinity print as themselves (JSON would
 * say `null`) and a missing value prints as `nothing`. Rendering stops once the cut is reached, so a value
 * nested 10,000 levels deep or a million-element array costs no more than a short one; every character a
 * terminal could act on (C0 and C1 controls, DEL, lone surrogates: escape sequences in a hostile file's
 * names) is written as a \u escape.
 */
export function formatValue(value: unknown): string {
  const out: string[] = [];
  const room = { left: MAX_VALUE_CHARS };
  render(value, out, room);
  const text = out.join('');
  return room.left < 0 ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** Appends `value`'s rendering to `out` until `room.left` (characters still allowed) runs out. */
function render(value: unknown, out: string[], room: { left: number }): void {
  const put = (text: string): void => { out.push(text); room.left -= text.length; };
  if (room.left < 0) return;
  if (value === undefined) return put('nothing');
  if (typeof value === 'number') return put(Number.isFinite(value) ? JSON.stringify(value) : String(value));
  if (typeof value === 'bigint') return put(`${value}n`);
  if (typeof value === 'function' || typeof value === 'symbol') return put(`a ${typeof value}`);
  if (typeof value === 'string') return put(safeString(value.length > MAX_VALUE_CHARS ? value.slice(0, MAX_VALUE_CHARS + 1) : value));
  if (Array.isArray(value)) {
    put('[');
    for (let i = 0; i < value.length && room.left >= 0; i++) { if (i > 0) put(','); render(value[i], out, room); }
    return put(']');
  }
  if (value !== null && typeof value === 'object') {
    put('{');
    let first = true;
    for (const key in value) {
      if (room.left < 0) break;
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      if (!first) put(',');
      first = false;
      put(`${safeString(key)}:`);
      render((value as Record<string, unknown>)[key], out, room);
    }
    return put('}');
  }
  put(JSON.stringify(value));
}

/** JSON string literal with every non-printable character (C0, DEL, C1, lone surrogates) as \uXXXX. */
function safeString(text: string): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(text).replace(/[\u007f-\u009f]|\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The standard field error: `<source>: <path>: got <value>; allowed: <allowed>`. */
export function fieldError(code: ErrorCode, source: string, path: string, value: unknown, allowed: string): GibbonError {
  return new GibbonError(code, `${source}: ${path}: got ${formatValue(value)}; allowed: ${allowed}`, { source, path });
}

/**
 * An unknown key or path: `<source>: <path>: got an unknown <what>; allowed: <allowed>`, where
 * `allowed` lists the valid names at that level.
 */
export function unknownKeyError(code: ErrorCode, source: string, path: string, what: string, allowed: string): GibbonError {
  return new GibbonError(code, `${source}: ${path}: got an unknown ${what}; allowed: ${allowed}`, { source, path });
}
