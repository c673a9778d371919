// tradedesk --headless: the engine in this process, lines instead of a screen.
import { runHeadless } from '../headless/headless.ts';
import type { CommonOptions } from './main.ts';

export function runHeadlessCommand({ profile, dataDir, flags }: CommonOptions): Promise<number> {
  return runHeadless({
    profile,
    dataDir,
    mode: 'paper',
    liveAllowed: flags.live,
    seed: flags.seed,
    json: flags.json,
    statusEverySec: flags.statusEvery,
    durationSec: flags.duration,
    record: flags.record,
  });
}
