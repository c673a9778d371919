// Dispatch a parsed command line to its subcommand; turn known bad input into one message and exit 2.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUILT_IN_PROFILES, ConfigError, demoProfile, loadProfile, type Profile } from '../engine/config.ts';
import { RecordingError } from '../../gateways/replay/recording.ts';
import { JournalError } from '../../state/journal.ts';
import { StateError } from '../../state/store.ts';
import { runCheckCommand } from './check.ts';
import { runConsoleCommand } from './console.ts';
import { runHeadlessCommand } from './headless.ts';
import { runMigrateCommand } from './migrate.ts';
import { runRecordCommand } from './record.ts';
import { runReplayCommand } from './replay.ts';
import { runReportCommand } from './report.ts';
import { runSimVenueCommand } from './sim-venue.ts';

export interface Flags {
  config?: string;
  dataDir?: string;
  headless: boolean;
  json: boolean;
  statusEvery: number;
  duration?: number;
  seed?: number;
  events: number;
  live: boolean;
  yes: boolean;
  port?: number;
  dryRun: boolean;
  venues?: string;
  symbols?: string;
  out?: string;
  retainMb?: number;
  data?: string;
  speed?: string;
  record?: string;
}

export interface CommonOptions {
  profile: Profile;
  dataDir: string;
  flags: Flags;
}

export class UsageError extends Error {}

export async function main(input: string[], flags: Flags): Promise<number> {
  try {
    const common = resolveCommon(flags);
    const [command, ...rest] = input;
    if (rest.length > 0 && command !== 'ctl') throw new UsageError(`unexpected argument "${rest[0]}"`);
    if (flags.record !== undefined && !(command === undefined && flags.headless))
      throw new UsageError(
        '--record DIR goes with --headless (to record a market alone: tradedesk record --out DIR)',
      );
    switch (command) {
      case undefined:
        return flags.headless ? await runHeadlessCommand(common) : await runConsoleCommand(common);
      case 'replay':
        return await runReplayCommand(common);
      case 'check':
        return runCheckCommand(common);
      case 'report':
        return runReportCommand(common);
      case 'ctl':
      case 'attach':
      case 'sim-venue':
        return await runSimVenueCommand(common);
      case 'record':
        return await runRecordCommand(common);
      case 'migrate':
        return runMigrateCommand(common);
      case 'train':
      case 'bench':
        throw new UsageError(`"tradedesk ${command}" is not in this build yet`);
      default:
        throw new UsageError(`unknown command "${command}" (see tradedesk --help)`);
    }
  } catch (e) {
    if (
      e instanceof UsageError ||
      e instanceof ConfigError ||
      e instanceof StateError ||
      e instanceof JournalError ||
      e instanceof RecordingError
    ) {
      process.stderr.write(`tradedesk: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`tradedesk: ${(e as Error).message}\n`);
    return 1;
  }
}

function resolveCommon(flags: Flags): CommonOptions {
  for (const [name, v] of [
    ['--seed', flags.seed],
    ['--events', flags.events],
    ['--duration', flags.duration],
    ['--status-every', flags.statusEvery],
    ['--port', flags.port],
    ['--retain-mb', flags.retainMb],
  ] as const) {
    if (v !== undefined && (!Number.isFinite(v) || v < 0))
      throw new UsageError(`${name} expects a non-negative number`);
  }
  if (flags.seed !== undefined && !Number.isInteger(flags.seed))
    throw new UsageError('--seed expects a whole number');
  const dataDir = resolve(flags.dataDir ?? process.env.TRADEDESK_DATA_DIR ?? '.tradedesk');
  const configFile =
    flags.config ?? (existsSync('tradedesk.config.json') ? 'tradedesk.config.json' : undefined);
  // --config names a file, or one of the built-in profiles (demo, live-paper, sim) when no such file exists.
  const builtIn =
    configFile !== undefined && !existsSync(configFile) ? BUILT_IN_PROFILES[configFile] : undefined;
  const profile = builtIn ? builtIn() : configFile ? loadProfile(configFile) : demoProfile();
  return { profile, dataDir, flags };
}
