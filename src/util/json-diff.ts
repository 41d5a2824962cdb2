// The first place two JSON values differ, for messages that must say which setting of a run changed
// (a resume with another config is refused: the user needs the field, not "another config").

export interface JsonDifference {
  /** Dotted path, e.g. `settings.temperature` or `problem.objectives[1]`; `(root)` for the values themselves. */
  path: string;
  was: unknown;
  now: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The first difference in key order (then array order), or undefined when the two are equal as JSON. */
export function firstJsonDifference(was: unknown, now: unknown, path = ''): JsonDifference | undefined {
  const here = path === '' ? '(root)' : path;
  if (Array.isArray(was) && Array.isArray(now)) {
    for (let i = 0; i < Math.max(was.length, now.length); i++) {
      const d = firstJsonDifference(was[i], now[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (isObject(was) && isObject(now)) {
    const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])];
    for (const k of keys) {
      const d = firstJsonDifference(was[k], now[k], path === '' ? k : `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return JSON.stringify(was) === JSON.stringify(now) ? undefined : { path: here, was, now };
}
