// The state store: one lowdb JSON file per data dir and mode; writes are atomic (temp file + rename).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';

export const SCHEMA_VERSION = 1;

export interface StoredState {
  schemaVersion: number;
  /** The kill switch's HALTED survives restarts until re-armed. */
  halted: boolean;
  strategies: Record<string, { state?: string; mode?: string }>;
}

export class StateError extends Error {}

function fresh(): StoredState {
  return { schemaVersion: SCHEMA_VERSION, halted: false, strategies: {} };
}

export class StateStore {
  private constructor(
    readonly file: string,
    private readonly db: Low<StoredState>,
  ) {}

  /** Open (or create) the store; a corrupt or newer file is refused, never overwritten. */
  static async open(file: string): Promise<StateStore> {
    if (existsSync(file)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        throw new StateError(`state ${file}: not valid JSON; left untouched (move it away to start fresh)`);
      }
      const v = (parsed as { schemaVersion?: unknown })?.schemaVersion;
      if (typeof v !== 'number')
        throw new StateError(`state ${file}: field schemaVersion: missing; left untouched`);
      if (v > SCHEMA_VERSION)
        throw new StateError(
          `state ${file}: schemaVersion ${v} is newer than this tradedesk understands (${SCHEMA_VERSION}); left untouched`,
        );
    }
    mkdirSync(dirname(file), { recursive: true });
    const db = new Low<StoredState>(new JSONFile(file), fresh());
    await db.read();
    db.data ??= fresh();
    await db.write();
    return new StateStore(file, db);
  }

  get data(): StoredState {
    return this.db.data;
  }

  async update(change: (s: StoredState) => void): Promise<void> {
    change(this.db.data);
    await this.db.write();
  }
}
