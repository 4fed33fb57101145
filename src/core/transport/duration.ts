import { ConfigurationError } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Milliseconds of a duration given as a number of ms or a string such as '500ms', '30s', '2m'.
 * Throws a `ConfigurationError` naming `option` when the value is not a valid duration.
 *
 * @example
 * toMilliseconds('30s', 'requestTimeout'); // 30000
 */
export function toMilliseconds(value: number | string, option: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
    if (match !== null) return Number(match[1]) * UNITS[match[2] ?? 'ms']!;
  }
  throw new ConfigurationError(
    `\`${option}\` must be a non-negative number of milliseconds or a duration such as '30s' (got ${JSON.stringify(value)})`,
    { option },
  );
}

/** The longest delay a Node timer can wait: longer ones fire after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Like `toMilliseconds`, for a duration that drives a timer: refuses what a timer cannot wait for
 * (Node would fire it after 1 ms, turning "almost never" into "at once").
 *
 * @example
 * toTimerMilliseconds('30s', 'requestTimeout'); // 30000
 */
export function toTimerMilliseconds(value: number | string, option: string): number {
  const ms = toMilliseconds(value, option);
  if (ms <= MAX_TIMER_MS) return ms;
  throw new ConfigurationError(
    `\`${option}\` must be at most ${MAX_TIMER_MS} ms (about 24.8 days) (got ${JSON.stringify(value)})`,
    { option },
  );
}
