// OKX's clOrdId allows letters and digits only, 1 to 32 of them: derive it from ours, the same every time.
import { createHash } from 'node:crypto';

const ALLOWED = /^[A-Za-z0-9]{1,32}$/;

/** "arb-btc-17" → "arbbtc17" + 12 hex of its hash: readable, and two ids that differ only in dashes stay apart. */
export function okxClientId(clientOrderId: string): string {
  if (ALLOWED.test(clientOrderId)) return clientOrderId;
  const readable = clientOrderId.replace(/[^A-Za-z0-9]/g, '').slice(0, 20);
  return readable + createHash('sha256').update(clientOrderId).digest('hex').slice(0, 12);
}
