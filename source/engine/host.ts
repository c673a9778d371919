// The engine running live: market data from its source (simulation, loopback venues or real venues),
// coalesced snapshots out, commands in.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SimClock, type Clock } from '../core/clock.ts';
import type { Instrument } from '../core/instrument.ts';
import type { FeedListener, MarketFeed, VenueHealthChange } from '../core/market-feed.ts';
import type { MarketEvent } from '../core/market-events.ts';
import { SimMarket } from '../../gateways/sim/market.ts';
import { assertNewRecording, Recorder } from '../../gateways/replay/recording.ts';
import type { RecordedInput } from '../../gateways/replay/recorded-input.ts';
import { StateStore, type StoredState } from '../../state/store.ts';
import { readJournal } from '../../state/journal.ts';
import {
  SNAPSHOTS_PER_SECOND,
  type Command,
  type CommandResult,
  type EngineEvent,
  type Mode,
  type Severity,
  type Snapshot,
} from '../control/protocol.ts';
import type { Profile } from './config.ts';
import { buildDesk, type Desk } from './build.ts';
import { Credentials } from './credentials.ts';
import type { ExecutionVenue, VenueAccountState } from '../core/venue.ts';
import { describeLiveOrders, type Engine } from './engine.ts';
import { openOrdersInJournal } from './reconcile.ts';
import { buildSnapshot } from './snapshot.ts';
import { telemetrySettings } from '../telemetry/settings.ts';
import type { EngineTelemetry } from '../telemetry/engine-telemetry.ts';

export interface HostOptions {
  profile: Profile;
  dataDir: string;
  mode: Mode;
  liveAllowed: boolean;
  seed?: number;
  /** Snapshots per second at most. */
  snapshotHz?: number;
  /** Key file for live credentials (else TRADEDESK_KEYS_FILE, DATA_DIR/keys.json or TRADEDESK_<VENUE>_* env). */
  keyFile?: string;
  /** Record every engine input here (a new folder), for an exact replay with `tradedesk replay --data`. */
  record?: string;
}

const PUMP_MS = 5;

/** The in-process simulated market, pulled on a simulated clock that runs `speed` times wall time. */
class SimSource {
  private pending: MarketEvent | null = null;
  private readonly wallStart = Date.now();
  constructor(
    readonly market: SimMarket,
    readonly clock: SimClock,
    private readonly simStart: number,
    private readonly speed: number,
  ) {}
  now(): number {
    return this.simStart + Math.floor((Date.now() - this.wallStart) * this.speed);
  }
  /** Every event due by now, in order. */
  drain(apply: (ev: MarketEvent) => void): number {
    const now = this.now();
    if (this.pending === null) this.pending = this.market.next();
    while (this.pending.ts <= now) {
      this.clock.advanceTo(this.pending.ts);
      apply(this.pending);
      this.pending = this.market.next();
    }
    this.clock.advanceTo(now);
    return now;
  }
}

export interface PushSource {
  feeds: MarketFeed[];
  /** How to reach each venue through ccxt. */
  endpoints: Map<string, Endpoint>;
  /** Loopback exchanges started for this engine, stopped with it. */
  close: () => Promise<void>;
}

export class EngineHost {
  private pump: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private seq = 0;
  private readonly snapshotListeners = new Set<(s: Snapshot) => void>();
  private readonly eventListeners = new Set<(e: EngineEvent) => void>();
  private stopped = false;
  private telemetry: EngineTelemetry | null = null;
  private readonly startupAlerts: [Severity, string, string][] = [];
  /** Live venues that did not answer reconciliation, asked again on these timers until they do (or the host stops). */
  private readonly askingAgain = new Set<NodeJS.Timeout>();

  private constructor(
    readonly desk: Desk,
    readonly store: StateStore,
    private readonly clock: Clock,
    private readonly sim: SimSource | null,
    private readonly push: PushSource | null,
    private readonly snapshotHz: number,
    /** Live sources' clock: wall time, stepped once per input so an input sees one instant (and replays exactly). */
    private readonly wall: SimClock | null,
    private readonly recorder: Recorder | null,
  ) {
    desk.engine.on((e) => {
      for (const l of this.eventListeners) l(e);
    });
  }

  static async create(o: HostOptions): Promise<EngineHost> {
    const storeDir = join(o.dataDir, o.mode);
    if (o.record) assertNewRecording(o.record);
    const store = await StateStore.open(join(storeDir, 'state.json'));
    const m = o.profile.market;
    let clock: Clock;
    let sim: SimSource | null = null;
    let push: PushSource | null = null;
    let instruments: Instrument[];
    // With --live, the operator's keys; a loopback market then accepts them as its accounts.
    const credentials = o.liveAllowed
      ? Credentials.load({
          venues: Object.keys(o.profile.venues),
          env: process.env,
          keyFile: o.keyFile,
          dataDir: o.dataDir,
        })
      : null;
    const early: string[] = [];
    let report = (message: string): void => void early.push(message);
    // Events that arrive before the engine exists are dropped: books come as snapshots and refresh at once.
    let deliver: FeedListener = { onMarket: () => undefined, onHealth: () => undefined };
    const relay: FeedListener = {
      onMarket: (ev) => deliver.onMarket(ev),
      onHealth: (h) => deliver.onHealth(h),
    };
    if (m.kind === 'sim') {
      const startTs = Date.now();
      const simClock = new SimClock(startTs);
      const market = new SimMarket({
        seed: o.seed ?? m.seed,
        assets: m.assets,
        updatesPerSecond: m.updatesPerSecond,
        startTs,
      });
      sim = new SimSource(market, simClock, startTs, m.speed);
      clock = simClock;
      instruments = market.instruments;
    } else {
      clock = new SimClock(Date.now());
      push = await startPushSource(o, relay, undefined, credentials);
      instruments = push.feeds.flatMap((f) => f.instruments);
    }
    const live = new Map<string, ExecutionVenue>();
    const stopLive: (() => Promise<void>)[] = [];
    if (credentials && push) {
      const { createVenueExecution } = await import('../../gateways/venues.ts');
      for (const venue of credentials.venues) {
        const endpoint = push.endpoints.get(venue);
        if (!endpoint) continue;
        try {
          const gateway = await createVenueExecution(
            { venue, ...endpoint, credentials: credentials.reveal(venue) as Record<string, string> },
            instruments.filter((i) => i.venue === venue),
            (message) => report(message),
          );
          live.set(venue, gateway.execution);
          stopLive.push(gateway.stop);
        } catch (e) {
          early.push(`live gateway ${venue} did not connect: ${(e as Error).message.split('\n')[0]}`);
        }
      }
      const closePush = push.close;
      push.close = async () => {
        await Promise.all(stopLive.map((stop) => stop()));
        await closePush();
      };
    }
    let desk: Desk;
    try {
      desk = buildDesk({
        profile: o.profile,
        clock,
        storeDir,
        mode: o.mode,
        liveAllowed: o.liveAllowed,
        instruments,
        halted: store.data.kill.halted,
        onKillStateChange: (halted) => void store.update((s) => void (s.kill.halted = halted)),
        liveVenues: live,
        liveDir: credentials ? join(o.dataDir, 'live') : undefined,
      });
    } catch (e) {
      await push?.close();
      throw e;
    }
    const engine = desk.engine;
    const recorder = o.record
      ? new Recorder(o.record, {
          format: 1,
          source: 'engine',
          startTs: clock.now(),
          instruments,
          profile: o.profile,
        })
      : null;
    const host = new EngineHost(
      desk,
      store,
      clock,
      sim,
      push,
      o.snapshotHz ?? SNAPSHOTS_PER_SECOND,
      sim ? null : (clock as SimClock),
      recorder,
    );
    deliver = { onMarket: (ev) => host.onMarket(ev), onHealth: (h) => host.onHealth(h) };
    // What the operator set before the restart: a PAUSED strategy stays paused; a LIVE one comes back on paper
    // and must pass the gate again (real money never resumes by itself).
    for (const [name, was] of Object.entries(store.data.strategies)) {
      if (!engine.strategies.some((rt) => rt.strategy.name === name)) continue;
      if (was.state === 'PAUSED') engine.command({ type: 'pause', strategy: name });
      if (was.mode === 'live')
        engine.alert(
          'warning',
          'engine',
          `${name} was LIVE before the restart: it runs on PAPER until promoted again`,
        );
    }
    await store.update((s) => noteDesk(s, o.profile, engine));
    engine.on((e) => {
      if (e.type !== 'state') return;
      void store.update((s) => {
        noteDesk(s, o.profile, engine);
        if (e.scope === 'engine' && e.to === 'HALTED') s.kill = { halted: true, reason: e.reason, ts: e.ts };
        if (e.scope === 'engine' && e.from === 'HALTED') s.kill = { halted: false, reason: null, ts: e.ts };
      });
    });
    if (store.migration)
      host.startupAlerts.push([
        'info',
        'state',
        `state store migrated to schema v${store.data.schemaVersion}; the old file is kept as ${store.migration.backup}`,
      ]);
    for (const torn of desk.journal.setAside)
      host.startupAlerts.push([
        'critical',
        'journal',
        `torn last line ${torn.line} of ${torn.journal} (a crash mid-write) set aside in ${torn.file}; not applied`,
      ]);
    report = (message) => engine.alert('warning', 'live', message);
    for (const message of early) report(message);
    if (credentials) {
      const ready = [...live.keys()];
      engine.alert(
        ready.length > 0 ? 'info' : 'warning',
        'live',
        ready.length > 0
          ? `--live: live gateways ready on ${ready.join(', ')}; promotion goes through the break-even gate`
          : `--live: no venue has credentials (env TRADEDESK_<VENUE>_API_KEY/_SECRET, or a 0600 key file): nothing can be promoted`,
      );
      // Before anything can trade: what the live venues hold against what the live journal says.
      await reconcileLiveVenues(engine, live, (venue, gateway) => host.askAgain(venue, gateway, 1));
    } else {
      const left = liveOrdersLeftOpen(o.dataDir);
      if (left) host.startupAlerts.push(['warning', 'reconcile', left]);
    }
    if (store.data.kill.halted)
      engine.alert(
        'critical',
        'engine',
        'started HALTED: the kill switch was engaged before the restart; R or ctl rearm to trade',
      );
    // Telemetry (opt-in) listens beside the console: events as they happen, a snapshot per export.
    const settings = telemetrySettings(o.profile.telemetry);
    if (settings) {
      const { EngineTelemetry, stderrBell } = await import('../telemetry/engine-telemetry.ts');
      host.telemetry = new EngineTelemetry(settings, {
        sample: () => host.snapshot(),
        bellStream: stderrBell(),
      });
      host.onEvent(host.telemetry.onEvent);
      host.telemetry.start();
    }
    return host;
  }

  /** The engine clock for the input now arriving (live sources step it to wall time). */
  private tick(): number {
    this.wall?.advanceTo(Date.now());
    return this.clock.now();
  }

  private tap(input: RecordedInput): void {
    this.recorder?.record(input);
  }

  private onMarket(ev: MarketEvent): void {
    this.tap({ kind: 'market', t: this.tick(), ev });
    this.desk.engine.onMarket(ev);
  }

  private onHealth(change: VenueHealthChange): void {
    this.tap({ kind: 'health', t: this.tick(), change });
    this.desk.engine.venueHealth(change);
  }

  get engine() {
    return this.desk.engine;
  }

  start(): void {
    // Raised at start, not at create, so listeners attached in between (headless lines, the console) see them.
    for (const [severity, source, message] of this.startupAlerts.splice(0))
      this.desk.engine.alert(severity, source, message);
    this.pump = setInterval(() => this.step(), PUMP_MS);
    this.ticker = setInterval(() => this.publish(), Math.round(1000 / this.snapshotHz));
  }

  /** Feed what is due into the engine and deliver what its venues owe it. */
  step(): void {
    const engine = this.desk.engine;
    const now = this.sim ? this.sim.drain((ev) => this.onMarket(ev)) : this.tick();
    this.tap({ kind: 'tick', t: now });
    engine.advance(now);
  }

  snapshot(): Snapshot {
    this.seq += 1;
    return buildSnapshot(this.desk.engine, this.seq);
  }

  private publish(): void {
    if (this.snapshotListeners.size === 0) return;
    const s = this.snapshot();
    for (const l of this.snapshotListeners) l(s);
  }

  onSnapshot(listener: (s: Snapshot) => void): () => void {
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
  }

  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  command(cmd: Command): CommandResult {
    this.tap({ kind: 'command', t: this.tick(), cmd });
    const result = this.desk.engine.command(cmd);
    void this.store.update((s) => noteDesk(s, null, this.desk.engine));
    // A command's effect shows at once, not at the next tick.
    this.step();
    this.publish();
    return result;
  }

  /**
   * Ask a live venue that did not answer reconciliation again after a backoff (`attempt` 1: 5 s, then 10, 20, 40, 60 s
   * and every 60 s), off the engine's loop; its answer lifts its hold once the comparison is clean.
   */
  private askAgain(venue: string, gateway: ExecutionVenue, attempt: number): void {
    const timer = setTimeout(() => {
      this.askingAgain.delete(timer);
      if (this.stopped) return;
      void askForAccountState(this.desk.engine, venue, gateway).then((answer) => {
        if (this.stopped) return;
        if (!('error' in answer)) return this.desk.engine.reconcileLive(new Map([[venue, answer]]));
        this.desk.engine.reconcileLive(
          new Map([[venue, { ...answer, retryInMs: askAgainAfterMs(attempt + 1) }]]),
        );
        this.askAgain(venue, gateway, attempt + 1);
      });
    }, askAgainAfterMs(attempt));
    this.askingAgain.add(timer);
  }

  /** Stop cleanly: cancel open orders, wait for the venues to confirm, flush the journal, close connections. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pump) clearInterval(this.pump);
    if (this.ticker) clearInterval(this.ticker);
    for (const timer of this.askingAgain) clearTimeout(timer);
    const { engine, journal, liveJournal } = this.desk;
    this.tap({ kind: 'cancelAll', t: this.tick() });
    engine.cancelAll();
    const deadline = Date.now() + 2_000;
    const stillOpen = () => engine.orders.openCount + engine.ordersLeftAtVenues;
    while (stillOpen() > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, PUMP_MS));
      this.step();
    }
    if (stillOpen() > 0) engine.alert('warning', 'engine', `${stillOpen()} order(s) still open at shutdown`);
    journal.close();
    liveJournal?.close();
    this.recorder?.close();
    await this.push?.close();
    await this.telemetry?.shutdown();
  }
}

/** How long a live venue has to say what it holds at startup; after that it counts as not answering. */
const ACCOUNT_STATE_TIMEOUT_MS = 20_000;

/** How long before a live venue that did not answer reconciliation is asked again: 5 s, doubling, at most 60 s. */
export function askAgainAfterMs(attempt: number): number {
  return Math.min(5_000 * 2 ** (attempt - 1), 60_000);
}

/** One live venue's answer to "what do you hold, and what became of these orders", or why there was none in time. */
async function askForAccountState(
  engine: Engine,
  venue: string,
  gateway: ExecutionVenue,
): Promise<VenueAccountState | { error: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ACCOUNT_STATE_TIMEOUT_MS / 1000} s`)),
      ACCOUNT_STATE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      gateway.accountState!(engine.liveOrdersPlacedOn(venue), engine.liveOrdersToLookUp(venue)),
      late,
    ]);
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0].slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ask each live venue, once connected, for its open orders, positions and the fills of the orders the live journal
 * holds open, and let the engine book and compare them; a venue that did not answer goes to `askAgain`.
 */
async function reconcileLiveVenues(
  engine: Engine,
  live: Map<string, ExecutionVenue>,
  askAgain: (venue: string, gateway: ExecutionVenue) => void,
): Promise<void> {
  const asking = [...live].filter(([, gateway]) => gateway.accountState);
  const answers = await Promise.all(
    asking.map(async ([venue, gateway]) => {
      const answer = await askForAccountState(engine, venue, gateway);
      return [venue, 'error' in answer ? { ...answer, retryInMs: askAgainAfterMs(1) } : answer] as const;
    }),
  );
  engine.reconcileLive(new Map(answers));
  for (const [venue, answer] of answers) if ('error' in answer) askAgain(venue, live.get(venue)!);
}

/** Without --live nobody can ask the venues: the live journal's open orders, named, or null when there are none. */
function liveOrdersLeftOpen(dataDir: string): string | null {
  const file = join(dataDir, 'live', 'journal.ndjson');
  if (!existsSync(file)) return null;
  let open;
  try {
    open = openOrdersInJournal(readJournal(file));
  } catch (e) {
    return `the live journal could not be read to look for open live orders (${(e as Error).message.split('\n')[0]}): run tradedesk check`;
  }
  if (open.length === 0) return null;
  return `the live journal still shows ${describeLiveOrders(open)}: they may be resting at the venue unmanaged; start with --live and the keys to reconcile them (without keys the engine cannot reach the venues)`;
}

interface Endpoint {
  ccxt: string;
  urls?: Record<string, unknown>;
  options?: Record<string, unknown>;
}

/** What the store keeps of the desk: each strategy's mode and state, the limits, the start balances, models. */
function noteDesk(s: StoredState, profile: Profile | null, engine: Desk['engine']): void {
  for (const rt of engine.strategies) {
    s.strategies[rt.strategy.name] = { mode: rt.mode, state: rt.state };
    if (!(rt.strategy.name in s.models)) s.models[rt.strategy.name] = null;
  }
  if (profile) {
    s.limits = { ...profile.risk };
    s.startBalances = profile.startBalances.map((b) => ({ ...b }));
  }
}

/** Feeds through ccxt: from loopback exchanges started here, or from the real venues. Loaded only when used.
 * `wanted`: symbols per venue (default: the strategies' legs). */
export async function startPushSource(
  o: Pick<HostOptions, 'profile' | 'seed'>,
  listener: FeedListener,
  wanted?: Map<string, Set<string>>,
  credentials: Credentials | null = null,
): Promise<PushSource> {
  const { createVenueFeed } = await import('../../gateways/venues.ts');
  const p = o.profile;
  const symbols = wanted ?? new Map<string, Set<string>>();
  if (!wanted)
    for (const s of p.strategies)
      for (const leg of s.legs)
        (symbols.get(leg.venue) ?? symbols.set(leg.venue, new Set()).get(leg.venue)!).add(leg.symbol);
  let closeLoopback = async () => undefined as void;
  const endpoints = new Map<string, Endpoint>();
  if (p.market.kind === 'loopback') {
    const { startLoopback } = await import('../../gateways/sim-venue/loopback.ts');
    const m = p.market;
    const loopback = await startLoopback({
      seed: o.seed ?? m.seed,
      speed: m.speed,
      updatesPerSecond: m.updatesPerSecond,
      assets: m.assets,
      accounts: credentials ? (venue) => credentials.reveal(venue) : undefined,
    });
    closeLoopback = loopback.close;
    for (const v of loopback.venues)
      endpoints.set(v.name, { ccxt: v.ccxt, urls: v.config.urls, options: v.config.options });
  } else {
    for (const [name, v] of Object.entries(p.venues)) {
      if (!v.ccxt) throw new Error(`venue ${name} has no ccxt class id in the profile (venues.${name}.ccxt)`);
      endpoints.set(name, { ccxt: v.ccxt, urls: v.urls, options: v.options });
    }
  }
  const feeds: MarketFeed[] = [];
  try {
    for (const [venue, set] of symbols) {
      const endpoint = endpoints.get(venue);
      if (!endpoint) throw new Error(`no endpoint for venue ${venue}`);
      feeds.push(await createVenueFeed({ venue, ...endpoint }, [...set]));
    }
    await Promise.all(feeds.map((f) => f.start(listener)));
  } catch (e) {
    await Promise.all(feeds.map((f) => f.stop()));
    await closeLoopback();
    throw e;
  }
  return {
    feeds,
    endpoints,
    close: async () => {
      await Promise.all(feeds.map((f) => f.stop()));
      await closeLoopback();
    },
  };
}
