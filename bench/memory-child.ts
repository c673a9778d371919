// Run in its own process: replay the simulated market through the engine and say its RSS at each checkpoint.
// Usage: memory-child DIR N1 N2 … (event counts, ascending); prints one JSON line
// {"rssMb": {"N1": MB, …}, "heapMb": {"N1": MB, …}}: RSS, and the live heap after a full collection (--expose-gc).
import { benchDesk } from './bench-desk.ts';
import { SimMarket } from '../gateways/sim/market.ts';
import { REPLAY_START_TS } from '../source/engine/replay.ts';
import { youngGenerationAtWorkingSize } from '../source/engine/heap-shape.ts';

// The heap shaped as bin/tradedesk.ts shapes the product's, and nothing else: the figure is the product's RSS.
youngGenerationAtWorkingSize();
const [dir, ...counts] = process.argv.slice(2);
const checkpoints = counts.map(Number);
const market = new SimMarket({ seed: 1, updatesPerSecond: 200, startTs: REPLAY_START_TS });
const { engine, journal, clock } = benchDesk(dir, market.instruments);
const rssMb: Record<string, number> = {};
const heapMb: Record<string, number> = {};
const collect = (globalThis as { gc?: () => void }).gc;
let done = 0;
for (const checkpoint of checkpoints) {
  for (; done < checkpoint; done++) {
    const ev = market.next();
    clock.advanceTo(ev.ts);
    engine.onMarket(ev);
  }
  rssMb[checkpoint] = process.memoryUsage.rss() / 2 ** 20;
  // What the engine still holds: a leak shows here first, whatever V8's heap sizing does to RSS.
  collect?.();
  heapMb[checkpoint] = process.memoryUsage().heapUsed / 2 ** 20;
}
journal.close();
process.stdout.write(JSON.stringify({ rssMb, heapMb, fills: engine.fills }) + '\n');
