// The targets, one place: the bench prints each figure beside its target and says PASS or MISS.
export const TARGETS = {
  replayBookUpdatesPerSec: 1_000_000,
  bookVsCcxt: 3,
  latencyP99UsHeadless: 250,
  /** The console may add at most half again to the headless p99. */
  consoleLatencyFactor: 1.5,
  terminalBytesPerSec: 25_000,
  framesPerSec: 8,
  rssGrowthPct: 5,
  rssMb: 300,
  startupMs: 1_500,
} as const;
