// Our client order ids ("arb-btc-17") as each venue accepts them: the one place that picks a venue's mapping, by
// ccxt class id. Each mapping lives in its venue's module and derives the same id every time.
import { hyperliquidClientId } from '../hyperliquid/client-id.ts';
import { bybitClientId } from './bybit-client-id.ts';
import { okxClientId } from './okx-client-id.ts';

const MAPPINGS = new Map<string, (clientOrderId: string) => string>([
  ['hyperliquid', hyperliquidClientId], // cloid: 128 bits of hex
  ['bybit', bybitClientId], // orderLinkId: ≤ 36 of [A-Za-z0-9_-]
  ['okx', okxClientId], // clOrdId: 1–32 letters and digits
]);

/** The venue's client order id of ours, by ccxt class id; undefined where ours is sent as it is. */
export function venueClientIdFor(ccxtId: string): ((clientOrderId: string) => string) | undefined {
  return MAPPINGS.get(ccxtId);
}

/** The cancelOrder and fetchOrder params that name an order by client id (ccxt's bybit passes orderLinkId through unrenamed). */
export function cancelByClientIdParams(ccxtId: string, venueClientId: string): Record<string, string> {
  return ccxtId === 'bybit' ? { orderLinkId: venueClientId } : { clientOrderId: venueClientId };
}
