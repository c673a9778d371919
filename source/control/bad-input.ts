// Errors that mean the operator's input is wrong (a flag, the config, a state or journal file, a recording, the
// control endpoint): exit 2 with their one-line message, whichever thread the engine was starting on.
import { RecordingError } from '../../gateways/replay/recording.ts';
import { JournalError } from '../../state/journal.ts';
import { StateError } from '../../state/store.ts';
import { ConfigError } from '../engine/config.ts';
import { ControlError } from './endpoint.ts';

export function isBadInput(e: unknown): e is Error {
  return (
    e instanceof ConfigError ||
    e instanceof StateError ||
    e instanceof JournalError ||
    e instanceof ControlError ||
    e instanceof RecordingError
  );
}
