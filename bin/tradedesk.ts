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
  quick: { type: 'boolean', default: false },
} as const;

const cli = meow(
  `
  Usage
    $ tradedesk                 the console (TUI) on the profile's market
    $ tradedesk --headless      the same engine without a screen
    $ tradedesk replay          run the simulated market through the engine at full speed, print the report
    $ tradedesk sim-venue       the loopback Binance and Hyperliquid exchanges, standalone (--port N)
    $ tradedesk bench           the performance benchmarks, each beside its target (--json, --quick)

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
    --quick              bench: smaller counts (CI)
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
