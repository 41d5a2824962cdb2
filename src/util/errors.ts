// The one error type of Gibbon-TS. Every message has one shape (style.md, Errors):
//   <source>: <json.path>: got <value as JSON>; allowed: <allowed values>
// e.g. `arch.json: xbar.rows: got 300; allowed: an integer in 8..4096 that is a multiple of
// xbar.subarrayRows (256)`. `source` is a file name, `--set`, or `network vgg8`.

/** E_ABORTED: the caller's AbortSignal (or Ctrl-C) stopped the work. */
export type ErrorCode = 'E_ARCH' | 'E_NETWORK' | 'E_OPTION' | 'E_KERNEL' | 'E_FILE' | 'E_DATASET' | 'E_MODEL' | 'E_SPACE' | 'E_ABORTED';

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
 * say `null`) and a missing value prints as `nothing`.
 */
export function formatValue(value: unknown): string {
  const text = render(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  if (Array.isArray(value)) return `[${value.map(render).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${render(item)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
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
