// When and how often a failed send is tried again.

/** Total deliveries of one message: wrangler.toml's max_retries (5) + the first. */
export const MAIL_MAX_ATTEMPTS = 6;

const BASE_DELAY_SECONDS = 30;
const MAX_DELAY_SECONDS = 60 * 60;

/** Exponential backoff with full jitter on the upper half: 30 s, 60 s, 120 s, … ≤ 1 h. */
export function backoffSeconds(attempt: number, random = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** Math.max(0, attempt - 1));
  return Math.ceil(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The delay before the next attempt: what the provider asked for when it said (a 429's
 * `retry-after`, never less), our backoff otherwise. Queues accept at most 12 hours.
 */
export function retryDelaySeconds(attempt: number, retryAfterSeconds?: number): number {
  const delay =
    retryAfterSeconds !== undefined ? Math.max(1, retryAfterSeconds) : backoffSeconds(attempt);
  return Math.min(delay, 12 * 60 * 60);
}
