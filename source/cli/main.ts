// Dispatch a parsed command line to its subcommand; turn known bad input into one message and exit 2.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUILT_IN_PROFILES, demoProfile, loadProfile, type Profile } from '../engine/config.ts';
import { redact } from '../core/redact.ts';
import { isBadInput } from '../control/bad-input.ts';
import { runConsoleCommand } from './console.ts';

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
  keys?: string;
  /** HOST:PORT of the control websocket (token required). */
  listen?: string;
  /** attach URL: the control websocket's token (else TRADEDESK_TOKEN). */
  token?: string;
  /** train: model kind, label horizon ("5s"), a copy of the artifact, recorded data to train on. */
  model?: string;
  horizon?: string;
  out?: string;
  data?: string;
  /** bench: smaller counts, for CI and tests. */
  quick: boolean;
  dryRun: boolean;
  venues?: string;
  symbols?: string;
  retainMb?: number;
  speed?: string;
  record?: string;
}

/** What ctl and attach need: where the engine is, not what it trades. */
export interface ControlCommandOptions {
  dataDir: string;
  flags: Flags;
}

export interface CommonOptions {
  profile: Profile;
  dataDir: string;
  flags: Flags;
}

export class UsageError extends Error {}

// Commands other than the console load when they run: its start-up never reads the loopback exchanges,
// the control socket client, training or the bench.
export async function main(input: string[], flags: Flags): Promise<number> {
  try {
    const [command, ...rest] = input;
    const dataDir = checkFlags(flags);
    // ctl and attach talk to a running engine: no profile to load, so a broken config cannot lock an operator out.
    if (command === 'ctl') return await (await import('./ctl.ts')).runCtlCommand(rest, { dataDir, flags });
    if (command === 'attach') {
      if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`);
      return await (await import('./attach.ts')).runAttachCommand(rest[0], { dataDir, flags });
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    if (flags.record !== undefined && !(command === undefined && flags.headless))
      throw new UsageError(
        '--record DIR goes with --headless (to record a market alone: tradedesk record --out DIR)',
      );
    const common = { profile: profileOf(flags), dataDir, flags };
    switch (command) {
      case undefined:
        return flags.headless
          ? await (await import('./headless.ts')).runHeadlessCommand(common)
          : await runConsoleCommand(common);
      case 'replay':
        return await (await import('./replay.ts')).runReplayCommand(common);
      case 'check':
        return await (await import('./check.ts')).runCheckCommand(common);
      case 'report':
        return await (await import('./report.ts')).runReportCommand(common);
      case 'bench':
        return await (await import('./bench.ts')).runBenchCommand(common);
      case 'sim-venue':
        return await (await import('./sim-venue.ts')).runSimVenueCommand(common);
      case 'train':
        return await (await import('./train.ts')).runTrainCommand(common);
      case 'record':
        return await (await import('./record.ts')).runRecordCommand(common);
      case 'migrate':
        return await (await import('./migrate.ts')).runMigrateCommand(common);
      default:
        throw new UsageError(`unknown command "${command}" (see tradedesk --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || isBadInput(e)) {
      process.stderr.write(`tradedesk: ${redact(e.message)}\n`);
      return 2;
    }
    process.stderr.write(`tradedesk: ${redact((e as Error).message)}\n`);
    return 1;
  }
}

/** Validate the flags every command shares; returns the data dir. */
function checkFlags(flags: Flags): string {
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
  return resolve(flags.dataDir ?? process.env.TRADEDESK_DATA_DIR ?? '.tradedesk');
}

function profileOf(flags: Flags): Profile {
  const configFile =
    flags.config ?? (existsSync('tradedesk.config.json') ? 'tradedesk.config.json' : undefined);
  // --config names a file, or one of the built-in profiles (demo, live-paper, sim) when no such file exists.
  const builtIn =
    configFile !== undefined && !existsSync(configFile) ? BUILT_IN_PROFILES[configFile] : undefined;
  return builtIn ? builtIn() : configFile ? loadProfile(configFile) : demoProfile();
}
