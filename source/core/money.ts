// Exact money: fixed-point bigint with 18 decimals. Floats never touch balances or PnL.
export type Fixed = bigint;

export const DECIMALS = 18;
export const SCALE = 10n ** 18n;
export const ZERO: Fixed = 0n;

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parse a decimal string (or a finite number, via its shortest decimal form) exactly. */
export function fx(value: string | number | bigint): Fixed {
  if (typeof value === 'bigint') return value * SCALE;
  const text = typeof value === 'number' ? numberToDecimalString(value) : value.trim();
  const m = DECIMAL_RE.exec(text);
  if (!m) throw new RangeError(`not a decimal number: "${text}"`);
  const frac = (m[3] ?? '').padEnd(DECIMALS, '0');
  if (frac.length > DECIMALS && /[1-9]/.test(frac.slice(DECIMALS))) {
    throw new RangeError(`more than ${DECIMALS} decimals: "${text}"`);
  }
  const units = BigInt(m[2]) * SCALE + BigInt(frac.slice(0, DECIMALS));
  return m[1] ? -units : units;
}

/**
 * Exactly fx(x.toFixed(dp)) for 0 <= dp <= 18, without a string when it can: if x times 10^dp rounds to an
 * integer n well inside double precision and n / 10^dp is x again, x lies within a quarter unit of n, so
 * toFixed's rounding of x's exact value gives n too.
 */
export function fixedOf(x: number, dp: number): Fixed {
  const f = 10 ** dp;
  const n = Math.round(x * f);
  if (Math.abs(n) < 2 ** 50 && n / f === x) return BigInt(n) * POW10[DECIMALS - dp];
  return fx(x.toFixed(dp));
}

/** The shortest decimal form of a finite float, without exponent. */
export function numberToDecimalString(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const digits = Math.min(20, Math.max(0, -Math.floor(Math.log10(Math.abs(n))) + 17));
  return trimZeros(n.toFixed(digits));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Round half away from zero of a / b. */
function divRound(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const bAbs = b < 0n ? -b : b;
  if (twice >= bAbs) return a < 0n !== b < 0n ? q - 1n : q + 1n;
  return q;
}

export function mul(a: Fixed, b: Fixed): Fixed {
  return divRound(a * b, SCALE);
}

export function div(a: Fixed, b: Fixed): Fixed {
  if (b === 0n) throw new RangeError('division by zero');
  return divRound(a * SCALE, b);
}

/** 10^i for every decimal count: made once, since a bigint power is not cheap and reports ask thousands a second. */
const POW10: readonly bigint[] = Array.from({ length: DECIMALS + 1 }, (_, i) => 10n ** BigInt(i));

/** Round to `dp` decimals, half away from zero. */
export function roundTo(a: Fixed, dp: number): Fixed {
  const unit = POW10[DECIMALS - dp];
  return divRound(a, unit) * unit;
}

export function abs(a: Fixed): Fixed {
  return a < 0n ? -a : a;
}

export function sign(a: Fixed): -1 | 0 | 1 {
  return a > 0n ? 1 : a < 0n ? -1 : 0;
}

export function minFx(a: Fixed, b: Fixed): Fixed {
  return a < b ? a : b;
}

/** Exact decimal string, trailing zeros trimmed ("0.32", "-1", "64000.5"). */
export function str(a: Fixed): string {
  const neg = a < 0n;
  const u = neg ? -a : a;
  const int = u / SCALE;
  const frac = (u % SCALE).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Fixed decimals for display ("12.30"); rounding half away from zero. */
export function fmt(a: Fixed, dp = 2): string {
  // The value in units of 10^-dp, rounded once; its digits are the answer with a point put in.
  const units = divRound(a, POW10[DECIMALS - dp]);
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString();
  const sign = neg ? '-' : '';
  if (dp === 0) return sign + digits;
  const padded = digits.padStart(dp + 1, '0');
  return `${sign}${padded.slice(0, -dp)}.${padded.slice(-dp)}`;
}

/** For features, charts and ratios only: never feed this back into the ledger. */
export function toNumber(a: Fixed): number {
  return Number(a) / 1e18;
}
