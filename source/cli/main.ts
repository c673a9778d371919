// Dispatch a parsed command line to its subcommand; turn known bad input into one message and exit 2.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, demoProfile, loadProfile, type Profile } from '../engine/config.ts';
import { JournalError } from '../../state/journal.ts';
import { StateError } from '../../state/store.ts';
import { runConsoleCommand } from './console.ts';
import { runHeadlessCommand } from './headless.ts';
import { runReplayCommand } from './replay.ts';

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
    switch (command) {
      case undefined:
        return flags.headless ? await runHeadlessCommand(common) : await runConsoleCommand(common);
      case 'replay':
        return runReplayCommand(common);
      case 'report':
      case 'check':
      case 'ctl':
      case 'attach':
      case 'record':
      case 'sim-venue':
      case 'train':
      case 'migrate':
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
      e instanceof JournalError
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
  ] as const) {
    if (v !== undefined && (!Number.isFinite(v) || v < 0))
      throw new UsageError(`${name} expects a non-negative number`);
  }
  if (flags.seed !== undefined && !Number.isInteger(flags.seed))
    throw new UsageError('--seed expects a whole number');
  const dataDir = resolve(flags.dataDir ?? process.env.TRADEDESK_DATA_DIR ?? '.tradedesk');
  const configFile =
    flags.config ?? (existsSync('tradedesk.config.json') ? 'tradedesk.config.json' : undefined);
  const profile = configFile ? loadProfile(configFile) : demoProfile();
  return { profile, dataDir, flags };
}
