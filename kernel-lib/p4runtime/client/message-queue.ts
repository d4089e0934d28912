// A bounded queue of stream messages read with `for await`. Messages arriving
// while nobody reads are kept (up to `capacity`, oldest dropped first) so a
// notebook can start reading after the first packets came in.

export class MessageQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(r: IteratorResult<T>) => void> = [];
  private closed = false;
  /** Messages dropped because the queue was full. */
  dropped = 0;

  constructor(private readonly capacity = 4096) {}

  push(item: T): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) return waiter({ value: item, done: false });
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push(item);
  }

  /** Ends every reader; later pushes are ignored. */
  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      // Leaving a for-await loop early only stops that reader; the queue stays open.
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }
}
