// Gradient-boosted depth-2 trees on log loss, split search on quantile bins (histograms): small and fast.

/** A depth-2 tree, flat: [f0, t0, f1, t1, f2, t2] for the root and its two children, then 4 leaf values. */
export type Tree = number[];

export interface GbdtParams {
  /** Starting log-odds. */
  base: number;
  learningRate: number;
  trees: Tree[];
}

export interface GbdtOptions {
  trees?: number;
  learningRate?: number;
  bins?: number;
  /** L2 on leaf values (in hessian units). */
  lambda?: number;
  /** Fewest samples on either side of a split. */
  minLeaf?: number;
}

export function fitGbdt(xs: Float64Array[], ys: ArrayLike<number>, o: GbdtOptions = {}): GbdtParams {
  const n = xs.length;
  const d = xs[0].length;
  const nTrees = o.trees ?? 40;
  const lr = o.learningRate ?? 0.05;
  const lambda = o.lambda ?? 1;
  const minLeaf = o.minLeaf ?? Math.max(20, Math.floor(n / 20));
  const edges = quantileEdges(xs, o.bins ?? 32);
  // Bin of x[j]: how many edges lie strictly below it, so "bin ≤ b" ⇔ "x ≤ edges[j][b]".
  const binned = new Uint8Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) binned[i * d + j] = binOf(edges[j], xs[i][j]);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += ys[i];
  const prior = Math.min(Math.max(pos / n, 1e-6), 1 - 1e-6);
  const base = Math.log(prior / (1 - prior));
  const score = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: Tree[] = [];
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  for (let t = 0; t < nTrees; t++) {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-score[i]));
      g[i] = p - ys[i];
      h[i] = Math.max(p * (1 - p), 1e-9);
    }
    const root = bestSplit(all, binned, d, g, h, edges, lambda, minLeaf);
    const [left, right] = partition(all, binned, d, root);
    const l = bestSplit(left, binned, d, g, h, edges, lambda, minLeaf);
    const r = bestSplit(right, binned, d, g, h, edges, lambda, minLeaf);
    const [ll, lr2] = partition(left, binned, d, l);
    const [rl, rr] = partition(right, binned, d, r);
    const leaves = [ll, lr2, rl, rr].map((ix) => lr * leafValue(ix, g, h, lambda));
    const tree: Tree = [root.f, root.t, l.f, l.t, r.f, r.t, ...leaves];
    trees.push(tree);
    for (let i = 0; i < n; i++) score[i] += tree[6 + leafOf(tree, xs[i])];
  }
  return { base, learningRate: lr, trees };
}

export function gbdtProbability(p: GbdtParams, x: ArrayLike<number>): number {
  let s = p.base;
  for (const tree of p.trees) s += tree[6 + leafOf(tree, x)];
  return 1 / (1 + Math.exp(-s));
}

/** Which of the 4 leaves `x` falls in; a node with feature −1 sends everything left. */
function leafOf(tree: Tree, x: ArrayLike<number>): number {
  const goLeft = (f: number, t: number) => f < 0 || x[f] <= t;
  if (goLeft(tree[0], tree[1])) return goLeft(tree[2], tree[3]) ? 0 : 1;
  return goLeft(tree[4], tree[5]) ? 2 : 3;
}

interface Split {
  f: number;
  /** Threshold on the raw feature value. */
  t: number;
  bin: number;
}

const NO_SPLIT: Split = { f: -1, t: 0, bin: 0 };

function bestSplit(
  ix: Uint32Array,
  binned: Uint8Array,
  d: number,
  g: Float64Array,
  h: Float64Array,
  edges: number[][],
  lambda: number,
  minLeaf: number,
): Split {
  if (ix.length < 2 * minLeaf) return NO_SPLIT;
  let G = 0;
  let H = 0;
  for (const i of ix) {
    G += g[i];
    H += h[i];
  }
  const parent = (G * G) / (H + lambda);
  let best = NO_SPLIT;
  let bestGain = 1e-9;
  const gh = new Float64Array(256);
  const hh = new Float64Array(256);
  const ch = new Uint32Array(256);
  for (let j = 0; j < d; j++) {
    const nb = edges[j].length;
    if (nb === 0) continue;
    gh.fill(0, 0, nb + 1);
    hh.fill(0, 0, nb + 1);
    ch.fill(0, 0, nb + 1);
    for (const i of ix) {
      const b = binned[i * d + j];
      gh[b] += g[i];
      hh[b] += h[i];
      ch[b]++;
    }
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < nb; b++) {
      gl += gh[b];
      hl += hh[b];
      cl += ch[b];
      if (cl < minLeaf || ix.length - cl < minLeaf) continue;
      const gr = G - gl;
      const hr = H - hl;
      const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
      if (gain > bestGain) {
        bestGain = gain;
        best = { f: j, t: edges[j][b], bin: b };
      }
    }
  }
  return best;
}

function partition(ix: Uint32Array, binned: Uint8Array, d: number, s: Split): [Uint32Array, Uint32Array] {
  if (s.f < 0) return [ix, new Uint32Array(0)];
  const left: number[] = [];
  const right: number[] = [];
  for (const i of ix) (binned[i * d + s.f] <= s.bin ? left : right).push(i);
  return [Uint32Array.from(left), Uint32Array.from(right)];
}

function leafValue(ix: Uint32Array, g: Float64Array, h: Float64Array, lambda: number): number {
  let G = 0;
  let H = 0;
  for (const i of ix) {
    G += g[i];
    H += h[i];
  }
  return -G / (H + lambda);
}

/** Distinct quantile cut points per feature (at most bins − 1 of them, at most 255). */
function quantileEdges(xs: Float64Array[], bins: number): number[][] {
  const d = xs[0].length;
  const k = Math.min(bins, 256);
  const out: number[][] = [];
  const col = new Float64Array(xs.length);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < xs.length; i++) col[i] = xs[i][j];
    col.sort();
    const edges: number[] = [];
    for (let q = 1; q < k; q++) {
      const v = col[Math.min(col.length - 1, Math.floor((q * col.length) / k))];
      if (edges.length === 0 || v > edges[edges.length - 1]) edges.push(v);
    }
    // The top edge would put nothing on its right.
    if (edges.length > 0 && edges[edges.length - 1] >= col[col.length - 1]) edges.pop();
    out.push(edges);
  }
  return out;
}

function binOf(edges: number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
