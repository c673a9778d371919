// The profile: what the engine trades, where, with which limits. Validated; a bad file names the field.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'a decimal string like "10000"');

const legSchema = z.object({ venue: z.string().min(1), symbol: z.string().min(1) }).strict();

const arbSchema = z
  .object({
    kind: z.literal('cross-venue-arb'),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    asset: z.string().min(1),
    legs: z.tuple([legSchema, legSchema]),
    marginBps: z.number().min(0).max(1000).default(2),
    closeAtBps: z.number().min(-100).max(100).default(-1),
    slippageBps: z.number().min(0).max(100).default(2),
    maxEntryNotional: z.number().positive().default(5_000),
    maxPositionNotional: z.number().positive().default(20_000),
    maxHoldMs: z
      .number()
      .int()
      .positive()
      .default(15 * 60_000),
  })
  .strict();

/** Trades one venue on a model's forecast of its move; the second leg is the venue that leads it (features only). */
const mlSignalSchema = z
  .object({
    kind: z.literal('ml-signal'),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    asset: z.string().min(1),
    legs: z.tuple([legSchema, legSchema]),
    model: z.enum(['logistic', 'gbdt']).default('logistic'),
    horizonMs: z.number().int().positive().default(5_000),
    marginBps: z.number().min(0).max(1000).default(1),
    minConfidence: z.number().min(0).max(1).default(0),
    reversalBps: z.number().min(0).max(1000).default(2),
    slippageBps: z.number().min(0).max(100).default(2),
    maxNotional: z.number().positive().default(2_000),
  })
  .strict();

const simFields = {
  seed: z.number().int().min(0).default(1),
  updatesPerSecond: z.number().min(1).max(100_000).default(200),
  /** Simulated seconds per wall-clock second when running live (the demo runs faster than life). */
  speed: z.number().min(0.1).max(1000).default(1),
  assets: z.array(z.string().min(1)).min(1).default(['BTC', 'ETH', 'SOL']),
};

/** The simulated market in process: fastest, no network at all. */
const simMarketSchema = z.object({ kind: z.literal('sim'), ...simFields }).strict();
/** The simulated market behind loopback exchanges that speak Binance's and Hyperliquid's protocols, read through ccxt. */
const loopbackMarketSchema = z.object({ kind: z.literal('loopback'), ...simFields }).strict();
/** Real venues' public market data through ccxt. */
const venuesMarketSchema = z.object({ kind: z.literal('venues') }).strict();

/** Opt-in export to the desk's monitoring (source/telemetry); the token comes from an environment variable, never the file. */
const telemetrySchema = z
  .object({
    endpoint: z.string().url('an http(s) URL like "https://logfire-eu.pydantic.dev"').optional(),
    /** Unset: OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf (source/telemetry/otlp-protocol.ts). */
    protocol: z
      .enum(['http/protobuf', 'http/json'], { message: 'expected "http/protobuf" or "http/json"' })
      .optional(),
    tokenEnv: z.string().min(1).default('LOGFIRE_TOKEN'),
    serviceName: z.string().min(1).default('tradedesk'),
    exportEveryMs: z.number().int().min(100).max(600_000).default(5_000),
    webhook: z
      .object({
        url: z.string().url('an http(s) URL'),
        minSeverity: z.enum(['info', 'warning', 'critical']).default('warning'),
      })
      .strict()
      .optional(),
    bell: z.boolean().default(true),
  })
  .strict();

export const profileSchema = z
  .object({
    profile: z.string().min(1),
    market: z.discriminatedUnion('kind', [simMarketSchema, loopbackMarketSchema, venuesMarketSchema]),
    venues: z.record(
      z.string(),
      z
        .object({
          /** Paper execution's one-way latency to this venue. */
          latencyMs: z.number().min(0).max(10_000),
          /** ccxt class id for real venues ("binanceusdm", "hyperliquid", "bybit", "okx", …). */
          ccxt: z.string().min(1).optional(),
          urls: z.record(z.string(), z.unknown()).optional(),
          options: z.record(z.string(), z.unknown()).optional(),
        })
        .strict(),
    ),
    startBalances: z
      .array(z.object({ venue: z.string(), currency: z.string(), amount: decimalString }).strict())
      .min(1),
    strategies: z.array(z.discriminatedUnion('kind', [arbSchema, mlSignalSchema])),
    risk: z
      .object({
        maxOrderNotional: z.number().positive().default(10_000),
        maxPositionNotional: z.number().positive().default(25_000),
        maxGrossExposure: z.number().positive().default(50_000),
        maxNetExposure: z.number().positive().default(10_000),
        maxOrdersPerSecond: z.number().positive().default(20),
        priceBandBps: z.number().positive().max(10_000).default(200),
        maxLeverage: z.number().positive().max(125).default(5),
      })
      .strict()
      .default({}),
    /** What trips the kill switch by itself, and what the kill switch does beyond cancelling and halting. */
    safety: z
      .object({
        /** Close every position with reduce-only orders after a kill. */
        flattenOnKill: z.boolean().default(false),
        /** Kill when today's (UTC) loss from the day's opening equity reaches this, quote currency; 0 = off. */
        dailyLossLimit: z.number().min(0).default(2_000),
        /** Kill when equity falls this far below its peak, quote currency; 0 = off. */
        trailingDrawdown: z.number().min(0).default(3_000),
        /** Kill when a venue's data has been stale this long, ms; 0 = off. */
        staleKillMs: z.number().int().min(0).default(120_000),
        /** Kill when a hedged strategy's legs differ by more than unhedgedNotional for this long, ms; 0 = off. */
        unhedgedMs: z.number().int().min(0).default(30_000),
        unhedgedNotional: z.number().positive().default(250),
        /** A cancel the venue has not confirmed is sent again after this long, up to cancelAttempts times. */
        cancelRetryMs: z.number().int().positive().default(1_000),
        cancelAttempts: z.number().int().min(1).max(20).default(3),
      })
      .strict()
      .default({}),
    /** The break-even gate a strategy's paper record must pass before it may trade live money. */
    promotion: z
      .object({
        minTrades: z.number().int().min(0).default(200),
        minNetPnl: z.number().default(0),
        /** Largest paper drawdown allowed, quote currency. */
        maxDrawdown: z.number().min(0).default(1_000),
      })
      .strict()
      .default({}),
    staleAfterMs: z.number().int().positive().default(5_000),
    telemetry: telemetrySchema.optional(),
    /** Continuous integrity checks: how often (engine time), and whether a critical finding halts trading. */
    integrity: z
      .object({
        /** Unset: halt in live mode, only alert in paper. */
        haltOnCritical: z.boolean().optional(),
        everyMs: z.number().int().min(100).max(600_000).default(1_000),
      })
      .strict()
      .default({}),
    /** Journal durability and segments; fsync defaults to every fill (replay: none). */
    journal: z
      .object({
        fsync: z.enum(['every-fill', 'every-line', 'none']).default('every-fill'),
        segmentBytes: z
          .number()
          .int()
          .min(4096)
          .default(64 * 1024 * 1024),
        rotateDaily: z.boolean().default(true),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema>;
export type ArbStrategyConfig = z.infer<typeof arbSchema>;
export type MlSignalStrategyConfig = z.infer<typeof mlSignalSchema>;

function arbStrategies(assets: string[]) {
  return assets.map((asset) => ({
    kind: 'cross-venue-arb',
    name: `arb-${asset.toLowerCase()}`,
    asset,
    legs: [
      { venue: 'binance', symbol: `${asset}/USDT:USDT` },
      { venue: 'hyperliquid', symbol: `${asset}/USDC:USDC` },
    ],
  }));
}

const startBalances = [
  { venue: 'binance', currency: 'USDT', amount: '50000' },
  { venue: 'hyperliquid', currency: 'USDC', amount: '50000' },
];

/** Real public market data from Binance USDⓈ-M and Hyperliquid, no keys, paper execution. */
export function livePaperProfile(): Profile {
  return profileSchema.parse({
    profile: 'live-paper',
    market: { kind: 'venues' },
    venues: {
      binance: { latencyMs: 25, ccxt: 'binanceusdm' },
      hyperliquid: { latencyMs: 60, ccxt: 'hyperliquid' },
    },
    startBalances,
    strategies: arbStrategies(['BTC', 'ETH', 'SOL']),
  });
}

/** The simulated market in process, without loopback servers: the fastest start, no sockets. */
export function simProfile(): Profile {
  const p = demoProfile();
  return { ...p, profile: 'sim', market: { ...p.market, kind: 'sim' } } as Profile;
}

export const BUILT_IN_PROFILES: Record<string, () => Profile> = {
  demo: demoProfile,
  'live-paper': livePaperProfile,
  sim: simProfile,
  'ml-demo': mlDemoProfile,
};

/** The simulated market in process with the BTC arbitrage and an ML signal strategy side by side. */
export function mlDemoProfile(): Profile {
  const p = simProfile();
  return profileSchema.parse({
    ...p,
    profile: 'ml-demo',
    strategies: [
      ...arbStrategies(['BTC']),
      {
        kind: 'ml-signal',
        name: 'ml-btc',
        asset: 'BTC',
        legs: [
          { venue: 'hyperliquid', symbol: 'BTC/USDC:USDC' },
          { venue: 'binance', symbol: 'BTC/USDT:USDT' },
        ],
      },
    ],
  });
}

export function demoProfile(): Profile {
  return profileSchema.parse({
    profile: 'demo',
    // Loopback exchanges that speak Binance's and Hyperliquid's protocols, read through ccxt like real venues.
    // Ten simulated seconds a second: dislocations worth trading come every few seconds, not minutes.
    market: { kind: 'loopback', seed: 1, updatesPerSecond: 100, speed: 10, assets: ['BTC', 'ETH', 'SOL'] },
    venues: {
      binance: { latencyMs: 25, ccxt: 'binanceusdm' },
      hyperliquid: { latencyMs: 60, ccxt: 'hyperliquid' },
    },
    startBalances,
    strategies: arbStrategies(['BTC', 'ETH', 'SOL']),
  });
}

export class ConfigError extends Error {}

/** Read and validate a profile; throws ConfigError naming the file and the field. */
export function loadProfile(file: string): Profile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`config ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config ${file}: not valid JSON (${(e as Error).message})`);
  }
  const result = profileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.length
      ? issue.path
          .map((p) => (typeof p === 'number' ? `[${p}]` : p))
          .join('.')
          .replace(/\.\[/g, '[')
      : '(top level)';
    throw new ConfigError(`config ${file}: field ${field}: ${issue.message}`);
  }
  const profile = result.data;
  for (const [i, s] of profile.strategies.entries()) {
    for (const leg of s.legs) {
      if (!profile.venues[leg.venue])
        throw new ConfigError(
          `config ${file}: field strategies[${i}].legs: venue "${leg.venue}" is not in venues`,
        );
    }
  }
  return profile;
}
