// How numbers and text look on the console: exact rounding of decimal strings, ages, fixed-width cells.

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?$/;

/** Round a decimal string half away from zero without passing through a float (money stays exact). */
export function roundDecimal(value: string, places: number): string {
  const m = DECIMAL.exec(value.trim());
  if (!m) return value;
  const negative = m[1] === '-';
  const frac = (m[3] ?? '').padEnd(places + 1, '0');
  let units = BigInt(m[2] + frac.slice(0, places));
  if (Number(frac[places]) >= 5) units += 1n;
  const digits = units.toString().padStart(places + 1, '0');
  const whole = digits.slice(0, digits.length - places);
  const text = places > 0 ? `${whole}.${digits.slice(digits.length - places)}` : whole;
  return negative && units !== 0n ? `-${text}` : text;
}

/** Money with a sign, two decimals: "+12.47", "-3.21", "0.00". */
export function signedMoney(value: string): string {
  const rounded = roundDecimal(value, 2);
  if (!DECIMAL.test(rounded)) return value;
  return isPositive(rounded) ? `+${rounded}` : rounded;
}

/** Money without a forced sign, two decimals. */
export function money(value: string): string {
  return roundDecimal(value, 2);
}

export function isNegative(value: string): boolean {
  return value.trim().startsWith('-') && /[1-9]/.test(value);
}

export function isPositive(value: string): boolean {
  return !value.trim().startsWith('-') && /[1-9]/.test(value);
}

/** The color a trader expects for an amount: green made, red lost, plain flat. */
export function pnlColor(value: string): 'green' | 'red' | undefined {
  if (isPositive(value)) return 'green';
  if (isNegative(value)) return 'red';
  return undefined;
}

/** A quote price at a precision that tells ticks apart without wasting columns. */
export function price(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const magnitude = Math.abs(value);
  const places = magnitude >= 10_000 ? 1 : magnitude >= 100 ? 2 : magnitude >= 1 ? 4 : 6;
  return value.toFixed(places);
}

export function bps(value: number, places = 1): string {
  if (!Number.isFinite(value)) return '-';
  const text = value.toFixed(places);
  return value > 0 && Number(text) !== 0 ? `+${text}` : text;
}

/** Age of data as a trader reads it: 850ms, 2.4s, 3m, 2h. */
export function age(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m`;
  return `${Math.floor(ms / 3_600_000)}h`;
}

/** Data older than this is not worth trading on: shown as a warning. */
export const STALE_MS = 5_000;

export function textWidth(text: string): number {
  return Array.from(text).length;
}

/** Exactly `width` columns: cut with an ellipsis, or padded on the side that keeps numbers aligned. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const chars = Array.from(text);
  if (chars.length > width) return width === 1 ? '…' : chars.slice(0, width - 1).join('') + '…';
  const pad = ' '.repeat(width - chars.length);
  return align === 'right' ? pad + text : text + pad;
}

/** Word-wrap prose into at most `maxLines` lines of `width`, for dialogs; the last line is cut if needed. */
export function wrapWords(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (textWidth(next) <= width || !line) {
      line = next;
      continue;
    }
    lines.push(line);
    line = word;
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines.map((l) => fit(l, width).trimEnd());
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = fit(`${kept[maxLines - 1]} ${lines.slice(maxLines).join(' ')}`, width);
  return kept;
}
