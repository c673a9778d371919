// The engine running on wall-clock time: pumps the market feed, emits coalesced snapshots, takes commands.
import { join } from 'node:path';
import { SimClock } from '../core/clock.ts';
import type { MarketEvent } from '../core/market-events.ts';
import { StateStore } from '../../state/store.ts';
import type { Command, CommandResult, EngineEvent, Mode, Snapshot } from '../control/protocol.ts';
import type { Profile } from './config.ts';
import { buildDesk, type Desk } from './build.ts';
import { buildSnapshot } from './snapshot.ts';

export interface HostOptions {
  profile: Profile;
  dataDir: string;
  mode: Mode;
  liveAllowed: boolean;
  seed?: number;
  /** Snapshots per second at most. */
  snapshotHz?: number;
}

const PUMP_MS = 5;

export class EngineHost {
  private pending: MarketEvent | null = null;
  private pump: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private seq = 0;
  private readonly snapshotListeners = new Set<(s: Snapshot) => void>();
  private readonly eventListeners = new Set<(e: EngineEvent) => void>();
  private stopped = false;

  private readonly wallStart = Date.now();

  private constructor(
    readonly desk: Desk,
    readonly store: StateStore,
    private readonly clock: SimClock,
    private readonly simStart: number,
    private readonly speed: number,
    private readonly snapshotHz: number,
  ) {
    desk.engine.on((e) => {
      for (const l of this.eventListeners) l(e);
    });
  }

  static async create(o: HostOptions): Promise<EngineHost> {
    const storeDir = join(o.dataDir, o.mode);
    const store = await StateStore.open(join(storeDir, 'state.json'));
    const startTs = Date.now();
    const clock = new SimClock(startTs);
    const desk = buildDesk({
      profile: o.profile,
      clock,
      storeDir,
      mode: o.mode,
      liveAllowed: o.liveAllowed,
      seed: o.seed,
      startTs,
      halted: store.data.halted,
      onKillStateChange: (halted) => void store.update((s) => void (s.halted = halted)),
    });
    if (store.data.halted)
      desk.engine.alert(
        'critical',
        'engine',
        'started HALTED: the kill switch was engaged before the restart; R or ctl rearm to trade',
      );
    return new EngineHost(desk, store, clock, startTs, o.profile.market.speed, o.snapshotHz ?? 15);
  }

  get engine() {
    return this.desk.engine;
  }

  start(): void {
    this.pump = setInterval(() => this.step(), PUMP_MS);
    this.ticker = setInterval(() => this.publish(), Math.round(1000 / this.snapshotHz));
  }

  /** The market's time now: wall time scaled by the profile's speed. */
  private simNow(): number {
    return this.simStart + Math.floor((Date.now() - this.wallStart) * this.speed);
  }

  /** Feed every market event due by now into the engine. */
  step(): void {
    const { market, engine } = this.desk;
    const now = this.simNow();
    if (this.pending === null) this.pending = market.next();
    while (this.pending.ts <= now) {
      this.clock.advanceTo(this.pending.ts);
      engine.onMarket(this.pending);
      this.pending = market.next();
    }
    this.clock.advanceTo(now);
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
    const result = this.desk.engine.command(cmd);
    // A command's effect shows at once, not at the next tick.
    this.step();
    this.publish();
    return result;
  }

  /** Stop cleanly: cancel open orders, wait for the venues to confirm, flush the journal. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pump) clearInterval(this.pump);
    if (this.ticker) clearInterval(this.ticker);
    const { engine, journal } = this.desk;
    engine.cancelAll();
    const deadline = Date.now() + 2_000;
    while (engine.orders.openCount > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, PUMP_MS));
      this.clock.advanceTo(this.simNow());
      engine.advance(this.clock.now());
    }
    if (engine.orders.openCount > 0)
      engine.alert('warning', 'engine', `${engine.orders.openCount} order(s) still open at shutdown`);
    journal.close();
  }
}
