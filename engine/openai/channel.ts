// A queue from a callback-driven producer (a model's onToken) to an async iterator.
export class Channel<T> {
  private items: T[] = [];
  private done = false;
  private error: unknown;
  private wake?: () => void;

  push(item: T) {
    this.items.push(item);
    this.wake?.();
  }

  end() {
    this.done = true;
    this.wake?.();
  }

  fail(error: unknown) {
    this.error = error ?? new Error('generation failed');
    this.end();
  }

  async *drain(): AsyncGenerator<T> {
    for (;;) {
      while (this.items.length) yield this.items.shift() as T;
      if (this.error !== undefined) throw this.error;
      if (this.done) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
