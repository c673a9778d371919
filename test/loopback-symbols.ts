// The BTC market each loopback venue lists, in ccxt's unified symbols: what the gateway tests trade on.
export const BTC_ON: Record<string, string> = {
  binance: 'BTC/USDT:USDT',
  hyperliquid: 'BTC/USDC:USDC',
  'binance-spot': 'BTC/USDT',
  bybit: 'BTC/USDT:USDT',
  okx: 'BTC/USDT:USDT',
};
