// A bounded hand-off between a live producer and a slower consumer. When it is full the
// oldest item is dropped (latest wins: for a live screen the newest frame matters most),
// so memory stays bounded however far the consumer falls behind.

export class LatestWinsQueue<T> {
  private readonly items: T[] = [];
  private waiting: ((item: IteratorResult<T>) => void) | undefined;
  private failWaiting: ((error: Error) => void) | undefined;
  private closed = false;
  private error: Error | undefined;
  /** Items dropped since the last take(). */
  private droppedSinceTake = 0;
  /** Items dropped in total. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`queue capacity must be at least 1, got ${capacity}`);
  }

  get length(): number {
    return this.items.length;
  }

  /** Adds an item; returns true when an older item was dropped to make room. */
  push(item: T): boolean {
    if (this.closed) return false;
    if (this.waiting) {
      const resolve = this.waiting;
      this.clearWaiter();
      resolve({ value: item, done: false });
      return false;
    }
    this.items.push(item);
    if (this.items.length <= this.capacity) return false;
    this.items.shift();
    this.dropped++;
    this.droppedSinceTake++;
    return true;
  }

  /** Ends the queue: take() drains what is left, then reports the end or throws `error`. */
  close(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    if (this.items.length > 0) return;
    if (error) this.failWaiting?.(error);
    else this.waiting?.({ value: undefined, done: true });
    this.clearWaiter();
  }

  /** The oldest item and how many items were dropped just before it. */
  async take(): Promise<{ item: T; droppedBefore: number } | undefined> {
    const result = await this.next();
    if (result.done) return undefined;
    const droppedBefore = this.droppedSinceTake;
    this.droppedSinceTake = 0;
    return { item: result.value, droppedBefore };
  }

  private next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.closed)
      return this.error
        ? Promise.reject(this.error)
        : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  private clearWaiter(): void {
    this.waiting = undefined;
    this.failWaiting = undefined;
  }
}
