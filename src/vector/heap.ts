/**
 * A binary heap of (id, score) pairs in typed arrays that grow by doubling and are kept between
 * searches; `max` decides whether the top is the highest score or the lowest.
 */
export class Heap {
  private ids = new Int32Array(256);
  private scores = new Float64Array(256);
  size = 0;

  constructor(private readonly max: boolean) {}

  clear(): void {
    this.size = 0;
  }

  get topScore(): number {
    return this.scores[0]!;
  }

  get topId(): number {
    return this.ids[0]!;
  }

  private above(a: number, b: number): boolean {
    return this.max ? this.scores[a]! > this.scores[b]! : this.scores[a]! < this.scores[b]!;
  }

  private swap(a: number, b: number): void {
    const id = this.ids[a]!;
    this.ids[a] = this.ids[b]!;
    this.ids[b] = id;
    const score = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = score;
  }

  push(id: number, score: number): void {
    if (this.size === this.ids.length) {
      const ids = new Int32Array(this.size * 2);
      ids.set(this.ids);
      this.ids = ids;
      const scores = new Float64Array(this.size * 2);
      scores.set(this.scores);
      this.scores = scores;
    }
    this.ids[this.size] = id;
    this.scores[this.size] = score;
    for (let i = this.size++; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): void {
    const last = --this.size;
    this.swap(0, last);
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < last && this.above(l, best)) best = l;
      if (r < last && this.above(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
  }

  /** The ids held, in heap order. */
  idList(): number[] {
    return Array.from(this.ids.subarray(0, this.size));
  }
}
