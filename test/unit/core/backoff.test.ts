import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RequestAbortedError } from '../../../src/core/errors.js';
import {
  backoffDelay as helperBackoffDelay,
  sleep as helperSleep,
} from '../../../src/core/helpers/backoff.js';
import {
  backoffDelay as retryBackoffDelay,
  sleep as retrySleep,
} from '../../../src/core/transport/retry.js';

describe('one backoff module for the transport and the helpers', () => {
  it('both use the same backoffDelay', () => {
    expect(helperBackoffDelay).toBe(retryBackoffDelay);
  });

  it('backoffDelay stays a number in [ceiling/2, ceiling] however many attempts', () => {
    expect(helperBackoffDelay(2000, 0, 100)).toBe(0);
    expect(helperBackoffDelay(2000, 100, 5000, () => 1)).toBe(5000);
    expect(helperBackoffDelay(2000, 100, 5000, () => 0)).toBe(2500);
    expect(helperBackoffDelay(3, 100, 5000, () => 0.5)).toBe(600);
  });

  it('the helpers’ sleep ends early, without error, when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = helperSleep(60_000, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(helperSleep(0, controller.signal)).resolves.toBeUndefined();
  });

  it('the transport’s sleep rejects with RequestAbortedError when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = retrySleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect((error as Error).cause).toEqual(new Error('stop'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // Already aborted: refused at once, even with nothing to wait.
    await expect(retrySleep(0, controller.signal)).rejects.toBeInstanceOf(RequestAbortedError);
  });

  it('both sleeps resolve after the delay and leave no listener', async () => {
    const controller = new AbortController();
    await helperSleep(1, controller.signal);
    await retrySleep(1, controller.signal);
    await retrySleep(1, undefined);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
