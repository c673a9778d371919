// Our client order ids ("arb-btc-17") as each venue accepts them, derived the same way every time.
import { createHash } from 'node:crypto';

/** Bybit's orderLinkId: at most 36 characters of letters, digits, dash and underscore. */
const BYBIT_LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;

/** Ours when Bybit accepts it (readable on the venue); else a readable head and a hash of the whole id. */
export function bybitClientId(clientOrderId: string): string {
  if (BYBIT_LINK_ID.test(clientOrderId)) return clientOrderId;
  const hash = createHash('sha256').update(clientOrderId).digest('hex').slice(0, 12);
  const head = clientOrderId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 23);
  return `${head}-${hash}`;
}

/** The venue's client order id of ours, by ccxt class id; undefined where ours is sent as it is. */
export function venueClientIdFor(ccxtId: string): ((clientOrderId: string) => string) | undefined {
  return ccxtId === 'bybit' ? bybitClientId : undefined;
}

/** The cancelOrder params that name an order by client id (ccxt's bybit passes orderLinkId through unrenamed). */
export function cancelByClientIdParams(ccxtId: string, venueClientId: string): Record<string, string> {
  return ccxtId === 'bybit' ? { orderLinkId: venueClientId } : { clientOrderId: venueClientId };
}
