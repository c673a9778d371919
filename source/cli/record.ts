// tradedesk record: venues' market data through the same feeds as live, into compressed, indexed segments.
import { resolve } from 'node:path';
import { assertNewRecording, Recorder } from '../../gateways/replay/recording.ts';
import { SimClock } from '../core/clock.ts';
import { startPushSource } from '../engine/host.ts';
import type { CommonOptions } from './main.ts';
import { UsageError } from './main.ts';

const list = (s: string | undefined) =>
  s
    ?.split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '') ?? [];

export async function runRecordCommand({ profile, flags }: CommonOptions): Promise<number> {
  if (!flags.out) throw new UsageError('record needs --out DIR (a new or empty folder for the segments)');
  if (profile.market.kind === 'sim')
    throw new UsageError('record reads venues through ccxt: use the demo (loopback) or live-paper profile');
  const legs = profile.strategies.flatMap((s) => s.legs);
  const venues = flags.venues ? list(flags.venues) : [...new Set(legs.map((l) => l.venue))];
  for (const v of venues)
    if (!profile.venues[v])
      throw new UsageError(
        `--venues: "${v}" is not a venue of profile ${profile.profile} (${Object.keys(profile.venues).join(', ')})`,
      );
  const symbols = list(flags.symbols);
  const wanted = new Map<string, Set<string>>();
  for (const venue of venues) {
    const onVenue = legs.filter((l) => l.venue === venue).map((l) => l.symbol);
    // A symbol goes to the venues whose strategies trade it, or to every chosen venue if none does.
    const chosen =
      symbols.length === 0
        ? onVenue
        : symbols.filter((s) => onVenue.includes(s) || !legs.some((l) => l.symbol === s));
    if (chosen.length > 0) wanted.set(venue, new Set(chosen));
  }
  if (wanted.size === 0) throw new UsageError('--symbols: none of them is traded on the chosen --venues');
  assertNewRecording(resolve(flags.out));
  const clock = new SimClock(Date.now());
  let recorder: Recorder | null = null;
  let count = 0;
  const source = await startPushSource(
    { profile, seed: flags.seed },
    {
      onMarket: (ev) => {
        clock.advanceTo(Date.now());
        if (!recorder) return;
        recorder.record({ kind: 'market', t: clock.now(), ev });
        count += 1;
      },
      onHealth: (change) => {
        clock.advanceTo(Date.now());
        recorder?.record({ kind: 'health', t: clock.now(), change });
        process.stderr.write(`${change.venue}: ${change.message}\n`);
      },
    },
    wanted,
  );
  try {
    recorder = new Recorder(
      resolve(flags.out),
      {
        format: 1,
        source: 'record',
        startTs: clock.now(),
        instruments: source.feeds.flatMap((f) => f.instruments),
      },
      { retainBytes: flags.retainMb !== undefined ? flags.retainMb * 1024 * 1024 : undefined },
    );
  } catch (e) {
    await source.close();
    throw e;
  }
  const what = [...wanted].map(([v, s]) => `${v} ${[...s].join(' ')}`).join('; ');
  process.stdout.write(`recording ${what} into ${flags.out}\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (timer) clearTimeout(timer);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const timer = flags.duration !== undefined ? setTimeout(stop, flags.duration * 1000) : null;
  });
  await source.close();
  const bytes = recorder.diskBytes;
  recorder.close();
  process.stdout.write(
    `recorded ${count} events, ${(bytes / 1024).toFixed(1)} KiB before the last segment was sealed\n`,
  );
  return 0;
}
