// The helpers back off like the transport (core/backoff.ts); their sleep ends early, without
// error, when the signal aborts (the caller then checks the signal).
export { backoffDelay, sleep } from '../backoff.js';
