// tradedesk sim-venue: the loopback exchanges standalone; the first stdout line tells ccxt how to reach them.
import { startLoopback, describeLoopback, LOOPBACK_VENUES } from '../../gateways/sim-venue/loopback.ts';
import type { CommonOptions } from './main.ts';
import { UsageError } from './main.ts';

export async function runSimVenueCommand({ profile, flags }: CommonOptions): Promise<number> {
  const m = profile.market;
  const sim = m.kind === 'venues' ? { seed: 1, speed: 1, updatesPerSecond: 100, assets: undefined } : m;
  const port = flags.port;
  // --port N serves the venues on N, N+1, … in LOOPBACK_VENUES order (Binance, Hyperliquid, Binance spot, Bybit,
  // OKX); without it, any free ports.
  const highest = 65535 - (LOOPBACK_VENUES.length - 1);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > highest))
    throw new UsageError(`--port expects a port number from 0 to ${highest}`);
  const loopback = await startLoopback({
    seed: flags.seed ?? sim.seed,
    speed: sim.speed,
    updatesPerSecond: sim.updatesPerSecond,
    assets: sim.assets,
    ports: port ? Object.fromEntries(LOOPBACK_VENUES.map((name, i) => [name, port + i])) : undefined,
    venues: LOOPBACK_VENUES,
  });
  process.stdout.write(describeLoopback(loopback.venues) + '\n');
  for (const v of loopback.venues)
    process.stderr.write(`${v.name}: http://127.0.0.1:${v.port} (ccxt ${v.ccxt}); faults: POST /__faults\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (flags.duration !== undefined) setTimeout(stop, flags.duration * 1000);
  });
  await loopback.close();
  return 0;
}
