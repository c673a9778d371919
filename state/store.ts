// The state store: one lowdb JSON file per data dir and mode, versioned, migrated forward with a backup first,
// written atomically; a corrupt or newer file is refused and never overwritten.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { AtomicJsonFile } from './atomic-file.ts';
import {
  CURRENT_SCHEMA_VERSION,
  migrateDocument,
  type MigrationStep,
  type StoredDocument,
} from './migrations.ts';

export const SCHEMA_VERSION = CURRENT_SCHEMA_VERSION;

const modeSchema = z.enum(['paper', 'live']);

/** Schema v2: everything the desk must find again after a restart that the journal does not hold. */
const storedStateSchema = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    /** The kill switch: HALTED survives restarts until re-armed. */
    kill: z
      .object({ halted: z.boolean(), reason: z.string().nullable(), ts: z.number().nullable() })
      .strict(),
    strategies: z.record(z.string(), z.object({ mode: modeSchema, state: z.string() }).strict()),
    /** The risk limits the desk last ran with. */
    limits: z
      .object({ maxOrderNotional: z.number(), maxPositionNotional: z.number() })
      .catchall(z.number())
      .nullable(),
    startBalances: z
      .array(z.object({ venue: z.string(), currency: z.string(), amount: z.string() }).strict())
      .nullable(),
    /** Per strategy: the signal model it uses, or null for none. */
    models: z.record(z.string(), z.object({ name: z.string(), version: z.string() }).strict().nullable()),
  })
  .strict();

export type StoredState = z.infer<typeof storedStateSchema>;

export class StateError extends Error {}

export function freshState(): StoredState {
  return {
    schemaVersion: SCHEMA_VERSION,
    kill: { halted: false, reason: null, ts: null },
    strategies: {},
    limits: null,
    startBalances: null,
    models: {},
  };
}

export interface StoreInspection {
  /** null: no file yet. */
  version: number | null;
  /** The document migrated to the current schema, and the steps that took it there. */
  migrated: StoredState;
  steps: MigrationStep[];
}

/** Read, version-check, migrate in memory and validate a store file; throws StateError, writes nothing. */
export function inspectStore(file: string): StoreInspection {
  if (!existsSync(file)) return { version: null, migrated: freshState(), steps: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new StateError(`state ${file}: not valid JSON; left untouched (move it away to start fresh)`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new StateError(`state ${file}: expected a JSON object; left untouched`);
  const v = (parsed as { schemaVersion?: unknown }).schemaVersion;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new StateError(`state ${file}: field schemaVersion: expected a whole number ≥ 1; left untouched`);
  if (v > SCHEMA_VERSION)
    throw new StateError(
      `state ${file}: schemaVersion ${v} is newer than this tradedesk understands (${SCHEMA_VERSION}); left untouched`,
    );
  const { doc, steps } = migrateDocument(parsed as StoredDocument);
  const result = storedStateSchema.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue.path.join('.') || '(top level)';
    const how = steps.length > 0 ? ` after migrating from v${v}` : '';
    throw new StateError(`state ${file}: field ${field}${how}: ${issue.message}; left untouched`);
  }
  return { version: v, migrated: result.data, steps };
}

/** Copy `file` next to itself, named by its version and the time: state.json.v1-20260105T000000Z.bak */
export function backupStore(file: string, version: number, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let backup = join(dirname(file), `${basename(file)}.v${version}-${stamp}.bak`);
  for (let n = 2; existsSync(backup); n++)
    backup = join(dirname(file), `${basename(file)}.v${version}-${stamp}-${n}.bak`);
  copyFileSync(file, backup);
  return backup;
}

export interface OpenedMigration {
  steps: MigrationStep[];
  backup: string;
}

export class StateStore {
  private constructor(
    readonly file: string,
    private readonly db: Low<StoredState>,
    /** Set when opening migrated an older file (after backing it up). */
    readonly migration: OpenedMigration | null,
  ) {}

  /** Open (or create) the store; an older file is backed up and migrated; a corrupt or newer one is refused. */
  static async open(file: string): Promise<StateStore> {
    const inspection = inspectStore(file);
    mkdirSync(dirname(file), { recursive: true });
    let migration: OpenedMigration | null = null;
    if (inspection.version !== null && inspection.steps.length > 0)
      migration = { steps: inspection.steps, backup: backupStore(file, inspection.version) };
    const db = new Low<StoredState>(
      new AtomicJsonFile(file, (text) => JSON.parse(text) as StoredState),
      freshState(),
    );
    db.data = inspection.migrated;
    await db.write();
    return new StateStore(file, db, migration);
  }

  get data(): StoredState {
    return this.db.data;
  }

  async update(change: (s: StoredState) => void): Promise<void> {
    change(this.db.data);
    await this.db.write();
  }
}
