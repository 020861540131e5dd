/** How often and how long to wait between tries. */
export interface RetryPolicy {
  /** Tries before giving up. */
  attempts: number;
  delayMs: number;
}

/**
 * Calls `fn` until it succeeds or the policy's tries are spent,
 * waiting `delayMs` (doubled after each failure) in between.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy = { attempts: 3, delayMs: 100 },
): Promise<T> {
  let wait = policy.delayMs;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= policy.attempts) throw err;
      await new Promise((r) => setTimeout(r, wait));
      wait *= 2;
    }
  }
}
