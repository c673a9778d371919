// tradedesk: parse the command line and dispatch; the work lives in source/cli.
import meow from 'meow';
import { main } from '../source/cli/main.ts';
import { youngGenerationAtWorkingSize } from '../source/engine/heap-shape.ts';

// First thing: every command, and the engine worker the console starts, runs with this heap shape.
youngGenerationAtWorkingSize();

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
  keys: { type: 'string' },
  listen: { type: 'string' },
  token: { type: 'string' },
  model: { type: 'string' },
  horizon: { type: 'string' },
  out: { type: 'string' },
  data: { type: 'string' },
  quick: { type: 'boolean', default: false },
  dryRun: { type: 'boolean', default: false },
  venues: { type: 'string' },
  symbols: { type: 'string' },
  retainMb: { type: 'number' },
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
    $ tradedesk ctl VERB [STRATEGY]
                                control the engine running on --data-dir: status, pause, resume, promote,
                                demote, kill, rearm (--json, --yes to confirm from a script)
    $ tradedesk attach [URL]    the console on a running engine (its data dir's socket, or ws://HOST:PORT)
    $ tradedesk train           walk-forward training of a signal model (--model logistic|gbdt --horizon 5s [--out FILE])
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
    --keys FILE          live credentials (mode 0600; else env TRADEDESK_<VENUE>_API_KEY/_SECRET/_PRIVATE_KEY…)
    --listen HOST:PORT   also serve the control protocol on a websocket (token required; loopback by default)
    --token TOKEN        attach URL: the websocket's token (default env TRADEDESK_TOKEN)
    --yes                ctl: answer a confirmation (rearm, promote)
    --model KIND         train: logistic or gbdt (default logistic)
    --horizon D          train: label horizon, e.g. 5s, 500ms (default 5s)
    --out FILE|DIR       train: also copy the artifact here (never overwrites); record: where segments go
    --data DIR           replay, train: a recording instead of the simulated market
    --quick              bench: smaller counts (CI)
    --record DIR         headless/console: also record every engine input, for an exact replay
    --speed max|1x|10x   replay: pace (default max)
    --venues A,B         record: venues (default: the profile's)
    --symbols S,T        record: symbols (default: the profile's strategies' legs)
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
  // A finished command ends the process: ccxt keeps timers after close() (Binance's 20-minute listen-key
  // keep-alive) that would otherwise hold it open. Output to pipes, files and terminals is synchronous here.
  process.exit();
}
