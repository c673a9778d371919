// tradedesk --headless: the engine in this process, lines instead of a screen.
import { controlOptions } from '../control/endpoint.ts';
import { runHeadless } from '../headless/headless.ts';
import type { CommonOptions } from './main.ts';

export function runHeadlessCommand({ profile, dataDir, flags }: CommonOptions): Promise<number> {
  return runHeadless({
    profile,
    dataDir,
    mode: 'paper',
    liveAllowed: flags.live,
    seed: flags.seed,
    keyFile: flags.keys,
    json: flags.json,
    statusEverySec: flags.statusEvery,
    durationSec: flags.duration,
    control: controlOptions(dataDir, 'paper', flags.listen, process.env.TRADEDESK_TOKEN),
    record: flags.record,
  });
}
