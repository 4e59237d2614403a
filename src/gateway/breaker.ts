/**
 * A circuit breaker per upstream: after `failures` consecutive failures it opens and refuses calls for
 * `resetMs`, then lets one trial call through (half-open); a success closes it again.
 */
export function createBreaker(options: { failures: number; resetMs: number }, now: () => number = Date.now) {
  let consecutive = 0;
  let openedAt = 0;
  let state: 'closed' | 'open' | 'half-open' = 'closed';
  let trialInFlight = false;
  return {
    get state() {
      if (state === 'open' && now() - openedAt >= options.resetMs) state = 'half-open';
      return state;
    },
    /** Whether a call may go to the upstream now. */
    allow(): boolean {
      const s = this.state;
      if (s === 'closed') return true;
      if (s === 'half-open' && !trialInFlight) {
        trialInFlight = true;
        return true;
      }
      return false;
    },
    success(): void {
      consecutive = 0;
      state = 'closed';
      trialInFlight = false;
    },
    failure(): void {
      consecutive++;
      trialInFlight = false;
      if (state === 'half-open' || consecutive >= options.failures) {
        state = 'open';
        openedAt = now();
      }
    },
  };
}
export type Breaker = ReturnType<typeof createBreaker>;
