// A long computation written as steps (a generator that yields between them), run either at once or
// in the language server's way: a turn of the event loop between steps, so other requests are answered
// meanwhile, and a stop with the signal's reason when it aborts (a newer version of the document, a
// cancelled request). A computation that takes one step costs no turn.

export type Steps<T> = Generator<void, T>;

/** Run every step now. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Run the steps with a turn of the event loop between them; rejects with the signal's reason when it aborts. */
export async function runStepsCancellable<T>(steps: Steps<T>, signal?: AbortSignal): Promise<T> {
  for (;;) {
    signal?.throwIfAborted();
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
