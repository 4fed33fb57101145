import { DslError } from '../errors.js';

/** `from`/`size` after slicing `[start, end)` of a search already limited to `from`/`size`. */
export function sliceWindow(
  from: number | undefined,
  size: number | undefined,
  start: number | undefined,
  end: number | undefined,
): { from?: number; size?: number } {
  if ((start !== undefined && start < 0) || (end !== undefined && end < 0)) {
    throw new DslError(
      'DSL_INVALID_SLICE',
      'Search does not support negative slicing: pass start/end >= 0.',
    );
  }
  const oldTo = size === undefined ? undefined : (from ?? 0) + size;
  const newFrom = start === undefined ? from : (from ?? 0) + start;
  let newTo = oldTo;
  if (end !== undefined) {
    newTo = (from ?? 0) + end;
    // A slice of a slice never reaches past the outer slice's end.
    if (oldTo !== undefined && oldTo < newTo) newTo = oldTo;
  }
  const out: { from?: number; size?: number } = {};
  if (newFrom !== undefined) out.from = newFrom;
  if (newTo !== undefined) out.size = Math.max(0, newTo - (newFrom ?? 0));
  return out;
}
