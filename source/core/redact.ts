// Secrets never leave the process in words: every line bound for a screen, log or journal can pass through here.
const secrets = new Set<string>();

/** Remember a secret so that it is blanked wherever it would be printed. Short values are not secrets. */
export function registerSecret(value: string): void {
  if (value.length >= 8) secrets.add(value);
}

/** The text with every registered secret replaced by [redacted]. */
export function redact(text: string): string {
  if (secrets.size === 0) return text;
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}
