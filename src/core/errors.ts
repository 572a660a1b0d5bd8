/**
 * Error makers in the style of sharp's `is.invalidParameterError`: every message names the
 * argument by its full path and shows what was received, so a user can fix the call at once.
 */

/** A short, safe description of any received value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  const kind = typeof value;
  if (kind === 'number' || kind === 'boolean' || kind === 'bigint') return `${String(value)} (${kind})`;
  if (kind === 'string') {
    const s = value as string;
    return `${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)} (string)`;
  }
  if (kind === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

function message(name: string, expected: string, value: unknown): string {
  return `Expected ${expected} for ${name} but received ${describe(value)}`;
}

/** TypeError for a value of the wrong kind. */
export function typeError(name: string, expected: string, value: unknown): TypeError {
  return new TypeError(message(name, expected, value));
}

/** RangeError for a value of the right kind but outside what is allowed. */
export function rangeError(name: string, expected: string, value: unknown): RangeError {
  return new RangeError(message(name, expected, value));
}
