// The engine fed at a live rate: each wire message handled when it is due, its latency from due to done,
// optionally with the real console rendering the engine's snapshots on another thread (as in the product).
import { benchDesk, watchOrders } from './bench-desk.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { MarketEvent } from '../source/core/market-events.ts';
import { REPLAY_START_TS } from '../source/engine/replay.ts';
import { SNAPSHOTS_PER_SECOND } from '../source/control/protocol.ts';
import { snapshotEncoder } from '../source/control/worker-messages.ts';
import { buildSnapshot } from '../source/engine/snapshot.ts';
import type { Engine } from '../source/engine/engine.ts';
import type { FromConsole, ToConsole } from './console-worker.ts';
import { marketStream, marketStreamFor } from './market-stream.ts';
import { percentiles, type Percentiles } from './percentiles.ts';
import { settleHeap } from './settle-heap.ts';

export interface PacedRunOptions {
  updatesPerSec: number;
  seconds: number;
  /** The console painting on its thread, fed snapshots as EngineHost sends them; without it the run is headless. */
  console?: ConsoleThread;
}

export interface PacedRun {
  /**
   * Book ticks inside the process (µs): from the message's arrival to its orders being with the venue.
   * It arrives when it is due, or, if the engine thread was asleep then, when the thread woke: how late the
   * operating system wakes a thread is outside the process. Queueing behind other messages, snapshots and
   * garbage collection is inside and counts.
   */
  ticks: Percentiles;
  /** The same ticks counted from when each was due, the OS's wake-up delay included. */
  ticksFromDue: Percentiles;
  /** Tick to order: the ticks that sent an order, from arrival to the first order with the venue. */
  orderTicks: Percentiles;
  seconds: number;
  terminal?: { bytesPerSec: number; framesPerSec: number };
  /** Share of the machine's CPU time its host (hypervisor) took away during the run, percent; null off Linux. */
  cpuStolenPct: number | null;
  /** The raw samples (ns) behind the percentiles, to pool runs. */
  samples: Samples;
}

interface Samples {
  ticks: Float64Array;
  fromDue: Float64Array;
  orderTicks: number[];
  stolen: CpuTimes | null;
}

/** A run's figures from its samples and how long they took. */
function runOf(samples: Samples, seconds: number): PacedRun {
  return {
    ticks: percentiles(samples.ticks),
    ticksFromDue: percentiles(samples.fromDue),
    orderTicks: percentiles(samples.orderTicks),
    seconds,
    cpuStolenPct:
      samples.stolen && samples.stolen.total > 0 ? (samples.stolen.steal / samples.stolen.total) * 100 : null,
    samples,
  };
}

/**
 * Ticks due in the first half second are handled at pace but not counted: the desk's books fill, its first
 * orders go out and the freshly collected heap's pages are touched, once per session in a real engine.
 */
export const LEAD_IN_MS = 500;

const NS_PER_MS = 1_000_000n;
/** Sleep, not spin, until shortly before a message is due: the console's thread needs the core too. */
const nap = new Int32Array(new SharedArrayBuffer(4));
const SPIN_NS = 150_000n;

export async function pacedRun(o: PacedRunOptions): Promise<PacedRun> {
  const stream = marketStreamFor(o.seconds * 1000 + LEAD_IN_MS, o.updatesPerSec);
  const dir = mkdtempSync(join(tmpdir(), 'td-bench-paced-'));
  const desk = benchDesk(dir, stream.instruments);
  const { engine, journal, clock } = desk;
  const orders = watchOrders(desk);
  const painter = o.console;
  try {
    await warmUp(dir, painter);
    settleHeap();
    const ticks = new Float64Array(stream.bookMessages);
    const ticksFromDue = new Float64Array(stream.bookMessages);
    const orderTicks: number[] = [];
    let wokeAt = 0n;
    let nTicks = 0;
    const snapshotEvery = BigInt(Math.round(1000 / SNAPSHOTS_PER_SECOND)) * NS_PER_MS;
    let seq = 0;
    const start = process.hrtime.bigint();
    let nextSnapshot = start + snapshotEvery;
    let counting = false;
    let countedFrom = start;
    let stolenBefore: CpuTimes | null = null;
    for (let i = 0; i < stream.lines.length; i++) {
      const due = start + BigInt(stream.events[i].ts - REPLAY_START_TS) * NS_PER_MS;
      let now = process.hrtime.bigint();
      // Wait for the message to be due; the engine thread's other work (snapshots) happens meanwhile.
      while (now < due) {
        if (painter && now >= nextSnapshot) {
          painter.show(engine, ++seq);
          nextSnapshot += snapshotEvery;
        } else if (due - now > SPIN_NS) {
          const until = painter && nextSnapshot < due ? nextSnapshot : due;
          if (until - now > SPIN_NS) {
            Atomics.wait(nap, 0, 0, Number(until - now - SPIN_NS) / 1e6);
            wokeAt = process.hrtime.bigint();
          }
        }
        now = process.hrtime.bigint();
      }
      if (!counting && stream.events[i].ts - REPLAY_START_TS >= LEAD_IN_MS) {
        counting = true;
        countedFrom = process.hrtime.bigint();
        stolenBefore = cpuTimes();
        painter?.worker.postMessage({ type: 'start' } satisfies ToConsole);
      }
      orders.firstAt = 0n;
      const ev = JSON.parse(stream.lines[i]) as MarketEvent;
      clock.advanceTo(ev.ts);
      engine.onMarket(ev);
      if (ev.kind !== 'book' || !counting) continue;
      const done = process.hrtime.bigint();
      // Every message still waiting was due after the thread went to sleep: it arrives at due or at the wake.
      const arrived = due > wokeAt ? due : wokeAt;
      const latency = Number(done - arrived);
      ticksFromDue[nTicks] = Number(done - due);
      ticks[nTicks++] = latency;
      if (orders.firstAt !== 0n) orderTicks.push(Number(orders.firstAt - arrived));
    }
    const seconds = Number(process.hrtime.bigint() - countedFrom) / 1e9;
    const result = runOf(
      {
        ticks: ticks.slice(0, nTicks),
        fromDue: ticksFromDue.slice(0, nTicks),
        orderTicks,
        stolen: cpuTimesSince(stolenBefore),
      },
      seconds,
    );
    if (painter) {
      painter.worker.postMessage({ type: 'report' } satisfies ToConsole);
      const r = await reply(painter.worker, (m) => m.type === 'report');
      if (r.type === 'report')
        result.terminal = { bytesPerSec: r.bytes / seconds, framesPerSec: r.frames / seconds };
    }
    return result;
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The real console on its own thread, started once and kept across runs as a session keeps it: its code warm,
 * its port's last equity curve known. A console started afresh for each short run paints its first frames with
 * code V8 has not optimized yet, which a console open for hours never does.
 */
export interface ConsoleThread {
  worker: Worker;
  /** Build the engine's snapshot on this thread and send it as the engine's worker does (JSON text). */
  show(engine: Engine, seq: number): void;
}

export async function startConsoleThread(start: () => Worker): Promise<ConsoleThread> {
  const worker = start();
  await reply(worker, (m) => m.type === 'ready');
  const encode = snapshotEncoder();
  return {
    worker,
    show: (engine, seq) => worker.postMessage(encode(buildSnapshot(engine, seq)) satisfies ToConsole),
  };
}

/**
 * Runs of one kind taken in turns with another kind, as one: their ticks together, their terminal output over
 * their summed time. Taking headless and console runs in turns spreads a noisy spell of the machine over both.
 */
export function pooled(runs: PacedRun[]): PacedRun {
  const concat = (parts: Float64Array[]): Float64Array => {
    const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  };
  const stolen = runs.every((r) => r.samples.stolen)
    ? runs.reduce(
        (sum, r) => ({
          steal: sum.steal + r.samples.stolen!.steal,
          total: sum.total + r.samples.stolen!.total,
        }),
        { steal: 0, total: 0 },
      )
    : null;
  const seconds = runs.reduce((t, r) => t + r.seconds, 0);
  const result = runOf(
    {
      ticks: concat(runs.map((r) => r.samples.ticks)),
      fromDue: concat(runs.map((r) => r.samples.fromDue)),
      orderTicks: runs.flatMap((r) => r.samples.orderTicks),
      stolen,
    },
    seconds,
  );
  if (runs.every((r) => r.terminal)) {
    const bytes = runs.reduce((b, r) => b + r.terminal!.bytesPerSec * r.seconds, 0);
    const frames = runs.reduce((f, r) => f + r.terminal!.framesPerSec * r.seconds, 0);
    result.terminal = { bytesPerSec: bytes / seconds, framesPerSec: frames / seconds };
  }
  return result;
}

/** CPU time of the whole machine in clock ticks: all of it, and what the host stole from this virtual machine. */
interface CpuTimes {
  steal: number;
  total: number;
}

function cpuTimes(): CpuTimes | null {
  try {
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { steal: fields[7] ?? 0, total: fields.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

function cpuTimesSince(before: CpuTimes | null): CpuTimes | null {
  const now = cpuTimes();
  return before && now ? { steal: now.steal - before.steal, total: now.total - before.total } : null;
}

/** Run the same code on other data first, so the measured run sees optimized code, not the JIT at work. */
async function warmUp(dir: string, painter: ConsoleThread | undefined): Promise<void> {
  const stream = marketStream(30_000, 2);
  const desk = benchDesk(join(dir, 'warm-up'), stream.instruments);
  const { engine, journal, clock } = desk;
  for (let i = 0; i < stream.lines.length; i++) {
    const ev = JSON.parse(stream.lines[i]) as MarketEvent;
    clock.advanceTo(ev.ts);
    engine.onMarket(ev);
    if (i % 1000 === 0) {
      painter?.show(engine, i);
    }
  }
  journal.close();
  await new Promise((r) => setTimeout(r, 500));
}

function reply(worker: Worker, match: (m: FromConsole) => boolean): Promise<FromConsole> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromConsole) => {
      if (!match(m)) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve(m);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}
