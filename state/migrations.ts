// The state store's schema versions and the chain of migrations between them; each step is a pure function.

/** A stored document as read from disk, before we know its version's shape. */
export type StoredDocument = Record<string, unknown> & { schemaVersion: number };

export interface Migration {
  from: number;
  to: number;
  /** What the step does, for `tradedesk migrate`'s plan. */
  summary: string;
  up(doc: StoredDocument): StoredDocument;
}

/** v1 kept only HALTED and loose strategy fields; v2 holds the kill state with its reason and time,
 * each strategy's mode and state, the limits, the start balances and the model choices. */
const v1ToV2: Migration = {
  from: 1,
  to: 2,
  summary: 'kill state with reason and time; strategy mode and state; limits, start balances, model choices',
  up(doc) {
    const halted = doc.halted === true;
    const oldStrategies = (doc.strategies ?? {}) as Record<string, { state?: unknown; mode?: unknown }>;
    const strategies: Record<string, { mode: string; state: string }> = {};
    for (const [name, s] of Object.entries(oldStrategies)) {
      strategies[name] = {
        mode: s.mode === 'live' ? 'live' : 'paper',
        state: typeof s.state === 'string' ? s.state : halted ? 'HALTED' : 'RUNNING',
      };
    }
    return {
      schemaVersion: 2,
      kill: {
        halted,
        reason: halted ? 'kill switch (before schema v2: reason not recorded)' : null,
        ts: null,
      },
      strategies,
      // Unknown before v2: the engine writes the profile's on its next start.
      limits: null,
      startBalances: null,
      models: Object.fromEntries(Object.keys(strategies).map((name) => [name, null])),
    };
  },
};

export const MIGRATIONS: readonly Migration[] = [v1ToV2];

export const CURRENT_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].to;

export interface MigrationStep {
  from: number;
  to: number;
  summary: string;
  /** Top-level fields, e.g. "added kill", "removed halted", "changed schemaVersion 1 → 2". */
  changes: string[];
}

function fieldChanges(before: StoredDocument, after: StoredDocument): string[] {
  const changes: string[] = [];
  for (const k of Object.keys(after)) {
    if (!(k in before)) changes.push(`added ${k}`);
    else if (JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      changes.push(
        k === 'schemaVersion' ? `changed schemaVersion ${before[k]} → ${after[k]}` : `changed ${k}`,
      );
  }
  for (const k of Object.keys(before)) if (!(k in after)) changes.push(`removed ${k}`);
  return changes;
}

/** Run the chain from the document's version to the current one; pure: the input is not touched. */
export function migrateDocument(doc: StoredDocument): { doc: StoredDocument; steps: MigrationStep[] } {
  let current = structuredClone(doc);
  const steps: MigrationStep[] = [];
  for (;;) {
    const step = MIGRATIONS.find((m) => m.from === current.schemaVersion);
    if (!step) break;
    const next = step.up(structuredClone(current));
    steps.push({ from: step.from, to: step.to, summary: step.summary, changes: fieldChanges(current, next) });
    current = next;
  }
  return { doc: current, steps };
}
