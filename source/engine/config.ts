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
    strategies: z.array(arbSchema),
    risk: z
      .object({
        maxOrderNotional: z.number().positive().default(10_000),
        maxPositionNotional: z.number().positive().default(25_000),
      })
      .strict()
      .default({}),
    staleAfterMs: z.number().int().positive().default(5_000),
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
};

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
