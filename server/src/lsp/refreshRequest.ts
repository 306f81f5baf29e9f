// A server→client refresh request (`workspace/diagnostic/refresh`, `workspace/codeLens/refresh`) that
// is coalesced — one in flight; requests made meanwhile send one more when it is answered — and
// never stuck: a request the client has not answered after `staleAfterMs` is given up, so the next
// refresh is sent again. A client that never answers (ALE, a hung editor) thus still gets later
// refreshes. Time is read from an injected clock when a refresh is asked for; no timer runs.

export const REFRESH_STALE_AFTER_MS = 10_000;

export class RefreshRequest {
  private inFlight: { since: number } | undefined;
  private again = false;

  constructor(
    private readonly send: () => Promise<unknown>,
    private readonly now: () => number = Date.now,
    private readonly staleAfterMs = REFRESH_STALE_AFTER_MS,
  ) {}

  request(): void {
    if (this.inFlight && this.now() - this.inFlight.since < this.staleAfterMs) {
      this.again = true;
      return;
    }
    this.start();
  }

  private start(): void {
    const flight = { since: this.now() };
    this.inFlight = flight;
    this.again = false;
    // Through a promise: a closed connection throws from sendRequest itself.
    void Promise.resolve()
      .then(this.send)
      .catch(() => undefined)
      .finally(() => {
        // An answer to a request given up on changes nothing: a newer one is in flight or done.
        if (this.inFlight !== flight) return;
        this.inFlight = undefined;
        if (this.again) this.start();
      });
  }
}

