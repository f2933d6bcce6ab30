/**
 * Decoded images kept in memory, up to a byte budget, least recently used out first.
 *
 * Decoding and resizing a file costs far more than a training step's data handling, and the
 * small folders people fine-tune on fit in memory many times over, so each file is decoded
 * once per run. Larger folders cycle through the budget and are decoded again as they come
 * back. Concurrent requests for one key share a single decode.
 */
export class RasterCache<T> {
  private readonly entries = new Map<string, { value: T; bytes: number }>();
  private readonly pending = new Map<string, Promise<T>>();
  private used = 0;

  constructor(
    private readonly budgetBytes: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  get bytesUsed(): number {
    return this.used;
  }

  get count(): number {
    return this.entries.size;
  }

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-inserting moves the key to the end of the Map's order: most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const inFlight = this.pending.get(key);
    if (inFlight !== undefined) return inFlight;
    const loading = load().finally(() => this.pending.delete(key));
    this.pending.set(key, loading);
    const value = await loading;
    this.store(key, value);
    return value;
  }

  private store(key: string, value: T): void {
    const bytes = this.sizeOf(value);
    if (bytes > this.budgetBytes || this.entries.has(key)) return;
    for (const [oldKey, old] of this.entries) {
      if (this.used + bytes <= this.budgetBytes) break;
      this.entries.delete(oldKey);
      this.used -= old.bytes;
    }
    this.entries.set(key, { value, bytes });
    this.used += bytes;
  }
}
