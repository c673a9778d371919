// Hyperliquid's client order id (cloid) is 128 bits of hex: derive it from ours, the same every time.
import { createHash } from 'node:crypto';

export function hyperliquidClientId(clientOrderId: string): string {
  return '0x' + createHash('sha256').update(clientOrderId).digest('hex').slice(0, 32);
}
