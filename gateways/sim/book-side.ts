// One side of a simulated book: integer prices and sizes, best first, in fixed typed arrays (no per-update
// allocation), plus the set of prices changed since the last emitted diff.
export class BookSide {
  /** Number of levels. */
  n = 0;
  readonly px: Float64Array;
  readonly sz: Float64Array;
  /** Prices touched since the last diff (deduplicated). */
  readonly changed: Float64Array;
  changedN = 0;

  /** `bid`: prices descend from the best; otherwise they ascend. */
  constructor(
    readonly bid: boolean,
    capacity: number,
  ) {
    this.px = new Float64Array(capacity);
    this.sz = new Float64Array(capacity);
    this.changed = new Float64Array(capacity * 8);
  }

  /** Index of price `p`, or -1. */
  indexOf(p: number): number {
    const px = this.px;
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const q = px[mid];
      if (q === p) return mid;
      // Bids descend: a smaller price lies further from the best.
      if (this.bid ? q > p : q < p) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  sizeAt(p: number): number {
    const k = this.indexOf(p);
    return k < 0 ? 0 : this.sz[k];
  }

  mark(p: number): void {
    const ch = this.changed;
    for (let i = 0; i < this.changedN; i++) if (ch[i] === p) return;
    if (this.changedN >= ch.length) throw new RangeError('too many changed levels');
    ch[this.changedN++] = p;
  }

  insertAt(i: number, p: number, s: number): void {
    if (this.n >= this.px.length) throw new RangeError('book side full');
    this.px.copyWithin(i + 1, i, this.n);
    this.sz.copyWithin(i + 1, i, this.n);
    this.px[i] = p;
    this.sz[i] = s;
    this.n++;
    this.mark(p);
  }

  /** Insert `k` levels (best first) in front of the current best. */
  insertFront(px: Float64Array, sz: Float64Array, k: number): void {
    if (this.n + k > this.px.length) throw new RangeError('book side full');
    this.px.copyWithin(k, 0, this.n);
    this.sz.copyWithin(k, 0, this.n);
    for (let i = 0; i < k; i++) {
      this.px[i] = px[i];
      this.sz[i] = sz[i];
      this.mark(px[i]);
    }
    this.n += k;
  }

  /** Drop the far levels beyond `n`. */
  truncate(n: number): void {
    for (let i = n; i < this.n; i++) this.mark(this.px[i]);
    if (n < this.n) this.n = n;
  }

  push(p: number, s: number): void {
    this.insertAt(this.n, p, s);
  }

  removeAt(i: number): void {
    this.mark(this.px[i]);
    this.px.copyWithin(i, i + 1, this.n);
    this.sz.copyWithin(i, i + 1, this.n);
    this.n--;
  }

  /** Remove the first `k` levels. */
  removeFront(k: number): void {
    if (k <= 0) return;
    for (let i = 0; i < k; i++) this.mark(this.px[i]);
    this.px.copyWithin(0, k, this.n);
    this.sz.copyWithin(0, k, this.n);
    this.n -= k;
  }

  setSize(i: number, s: number): void {
    this.sz[i] = s;
    this.mark(this.px[i]);
  }
}
