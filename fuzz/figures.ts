/** What every fuzz module takes and reports (see run.ts for the interface). */
export interface FuzzOptions {
  seed: number;
  iterations: number;
}

export interface FuzzFigures {
  tried: number;
  crashes: number;
  hangs: number;
  escapes: number;
  notes?: string[];
}

/** A small seeded generator (mulberry32): the same seed replays the same inputs. */
export class FuzzRng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let k = 0; k < n; k++) out[k] = this.int(256);
    return out;
  }
}
