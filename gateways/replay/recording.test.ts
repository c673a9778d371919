import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SimMarket } from '../sim/market.ts';
import { InputDecoder, InputEncoder, type RecordedInput } from './recorded-input.ts';
import {
  readRecording,
  readRecordingMeta,
  Recorder,
  RecordingError,
  type RecordingIndex,
} from './recording.ts';

const temp = () => join(mkdtempSync(join(tmpdir(), 'td-rec-')), 'rec');

/** The simulated market's events plus ticks, health and commands: every kind of input once or more. */
function inputs(n: number): RecordedInput[] {
  const market = new SimMarket({ seed: 4, startTs: Date.UTC(2026, 0, 5) });
  const out: RecordedInput[] = [];
  for (let i = 0; i < n; i++) {
    const ev = market.next();
    out.push({ kind: 'market', t: ev.ts + 3, ev });
    if (i % 10 === 0) out.push({ kind: 'tick', t: ev.ts + 5 });
  }
  const t = out[out.length - 1].t;
  out.push({
    kind: 'health',
    t,
    change: { venue: 'binance', connected: false, severity: 'warning', message: 'x' },
  });
  out.push({ kind: 'command', t: t + 1, cmd: { type: 'pause', strategy: 'arb-btc' } });
  out.push({ kind: 'cancelAll', t: t + 2 });
  return out;
}

/** Whole books as a ccxt feed sends them: every update a snapshot of the top levels. */
function snapshots(n: number): RecordedInput[] {
  const out: RecordedInput[] = [];
  let bids: [number, number][] = [
    [100, 1],
    [99.9, 2],
    [99.8, 3],
  ];
  let asks: [number, number][] = [
    [100.1, 1],
    [100.2, 2],
  ];
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) bids = [[bids[0][0], bids[0][1] + 0.5], ...bids.slice(1)];
    if (i % 5 === 0)
      asks = i % 2 ? asks.slice(1).concat([[asks.at(-1)![0] + 0.1, 1]]) : [[asks[0][0] - 0.1, 4], ...asks];
    out.push({
      kind: 'market',
      t: 1000 + i,
      ev: {
        kind: 'book',
        venue: 'hyperliquid',
        symbol: 'BTC/USDC:USDC',
        ts: 1000 + i,
        seq: i + 1,
        snapshot: true,
        bids,
        asks,
      },
    });
  }
  return out;
}

describe('the recording line format', () => {
  it('decodes to exactly what was encoded, every kind of input', () => {
    const all = [...inputs(3000), ...snapshots(200)];
    const enc = new InputEncoder();
    const dec = new InputDecoder();
    for (const input of all) expect(dec.decode(JSON.parse(JSON.stringify(enc.encode(input))))).toEqual(input);
  });

  it('stores a whole book as the levels that changed since the last one', () => {
    const books = snapshots(50);
    const enc = new InputEncoder();
    const lines = books.map((b) => enc.encode(b));
    expect(lines[0][0]).toBe('B');
    expect(lines.slice(1).every((l) => l[0] === 'D')).toBe(true);
    const whole = JSON.stringify(books.map((b) => b.kind === 'market' && b.ev)).length;
    expect(JSON.stringify(lines).length).toBeLessThan(whole / 2);
  });
});

describe('Recorder', () => {
  it('writes compressed segments with an index, and reads back every input in order', () => {
    const dir = temp();
    const all = inputs(6_000);
    const r = new Recorder(
      dir,
      { format: 1, source: 'engine', startTs: 1, instruments: [] },
      { segmentBytes: 24 * 1024 },
    );
    for (const i of all) r.record(i);
    r.close();
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as RecordingIndex;
    expect(index.segments.length).toBeGreaterThan(3);
    expect(index.segments.reduce((n, s) => n + s.lines, 0)).toBe(all.length);
    for (const s of index.segments) {
      const bytes = readFileSync(join(dir, s.file));
      expect(bytes.length).toBe(s.bytes);
      expect(gunzipSync(bytes).length).toBeGreaterThan(bytes.length * 3);
      expect(s.firstT).toBeLessThanOrEqual(s.lastT);
    }
    expect(index.segments[0].firstT).toBe(all[0].t);
    expect(index.segments.at(-1)!.lastT).toBe(all.at(-1)!.t);
    expect(existsSync(join(dir, 'inputs.ndjson'))).toBe(false);
    expect([...readRecording(dir)]).toEqual(all);
    expect(readRecordingMeta(dir).source).toBe('engine');
  });

  it('keeps disk use under the retention bound by deleting the oldest segments', () => {
    const dir = temp();
    const retainBytes = 16 * 1024;
    const segmentBytes = 24 * 1024;
    const r = new Recorder(
      dir,
      { format: 1, source: 'record', startTs: 1, instruments: [] },
      { segmentBytes, retainBytes },
    );
    let peak = 0;
    for (const i of inputs(12_000)) {
      r.record(i);
      peak = Math.max(peak, r.diskBytes);
    }
    r.close();
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as RecordingIndex;
    const onDisk = index.segments.reduce((n, s) => n + statSync(join(dir, s.file)).size, 0);
    expect(onDisk).toBeLessThanOrEqual(retainBytes);
    expect(peak).toBeLessThanOrEqual(retainBytes + segmentBytes);
    expect(index.segments[0].file).not.toBe('inputs.000001.ndjson.gz');
    expect(existsSync(join(dir, 'inputs.000001.ndjson.gz'))).toBe(false);
    // What is left still decodes: every segment stands on its own.
    expect([...readRecording(dir)].length).toBe(index.segments.reduce((n, s) => n + s.lines, 0));
  });

  it('refuses a folder that already holds a recording, and a folder that holds none', () => {
    const dir = temp();
    new Recorder(dir, { format: 1, source: 'record', startTs: 1, instruments: [] }).close();
    expect(() => new Recorder(dir, { format: 1, source: 'record', startTs: 1, instruments: [] })).toThrow(
      RecordingError,
    );
    expect(() => readRecordingMeta(temp())).toThrow(/no meta.json/);
  });
});
