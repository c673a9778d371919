// tradedesk: parse the command line and dispatch; the work lives in source/cli.
import meow from 'meow';
import { main } from '../source/cli/main.ts';

const flags = {
  config: { type: 'string' },
  dataDir: { type: 'string' },
  headless: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  statusEvery: { type: 'number', default: 5 },
  duration: { type: 'number' },
  seed: { type: 'number' },
  events: { type: 'number', default: 100_000 },
  live: { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
  port: { type: 'number' },
  dryRun: { type: 'boolean', default: false },
  venues: { type: 'string' },
  symbols: { type: 'string' },
  out: { type: 'string' },
  retainMb: { type: 'number' },
  data: { type: 'string' },
  speed: { type: 'string' },
  record: { type: 'string' },
} as const;

const cli = meow(
  `
  Usage
    $ tradedesk                 the console (TUI) on the profile's market
    $ tradedesk --headless      the same engine without a screen
    $ tradedesk replay          run the simulated market through the engine at full speed, print the report
    $ tradedesk sim-venue       the loopback Binance and Hyperliquid exchanges, standalone (--port N)
    $ tradedesk record          record venues' market data to compressed segments (--venues --symbols --out)
    $ tradedesk migrate         migrate the data dir's state stores to the current schema (--dry-run)

  Options
    --config FILE        profile (JSON); default ./tradedesk.config.json, else the built-in demo
    --data-dir DIR       where state and journals live (env TRADEDESK_DATA_DIR; default ./.tradedesk)
    --headless           no TUI: a status line every --status-every seconds and a line per event
    --json               NDJSON lines (headless) or a JSON report (replay)
    --status-every S     seconds between headless status lines (default 5)
    --duration S         stop cleanly after S seconds
    --seed N             seed of the simulated market
    --events N           replay: how many market events (default 100000)
    --live               allow live orders at all
    --record DIR         headless/console: also record every engine input, for an exact replay
    --data DIR           replay: a recording instead of the simulated market
    --speed max|1x|10x   replay: pace (default max)
    --venues A,B         record: venues (default: the profile's)
    --symbols S,T        record: symbols (default: the profile's strategies' legs)
    --out DIR            record: where segments go
    --retain-mb N        record: delete the oldest segments beyond N MB
    --dry-run            migrate: print what would change, write nothing
`,
  {
    importMeta: import.meta,
    allowUnknownFlags: true,
    flags,
  },
);

const known = new Set(Object.keys(flags));
const unknown = Object.keys(cli.flags).filter((f) => !known.has(f));
if (unknown.length > 0) {
  const flag = unknown[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  process.stderr.write(`tradedesk: unknown flag --${flag} (see tradedesk --help)\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await main(cli.input, cli.flags);
}
