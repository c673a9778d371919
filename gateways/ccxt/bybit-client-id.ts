// Bybit's orderLinkId: at most 36 characters of letters, digits, dash and underscore; derived from ours, the same
// every time.
import { createHash } from 'node:crypto';

const BYBIT_LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;

/** Ours when Bybit accepts it (readable on the venue); else a readable head and a hash of the whole id. */
export function bybitClientId(clientOrderId: string): string {
  if (BYBIT_LINK_ID.test(clientOrderId)) return clientOrderId;
  const hash = createHash('sha256').update(clientOrderId).digest('hex').slice(0, 12);
  const head = clientOrderId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 23);
  return `${head}-${hash}`;
}
