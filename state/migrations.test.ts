import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION, MIGRATIONS, migrateDocument, type StoredDocument } from './migrations.ts';
import { inspectStore, SCHEMA_VERSION, StateError, StateStore } from './store.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
/** Every store file an older tradedesk wrote, one or more per schema version. */
const fixtures = readdirSync(FIXTURES).filter((f) => /^state\.v\d+.*\.json$/.test(f));
const temp = () => mkdtempSync(join(tmpdir(), 'td-store-'));

describe('the migration chain', () => {
  it('is a chain: each step starts where the one before ended and it ends at the current version', () => {
    expect(MIGRATIONS[0].from).toBe(1);
    for (let i = 1; i < MIGRATIONS.length; i++) expect(MIGRATIONS[i].from).toBe(MIGRATIONS[i - 1].to);
    expect(CURRENT_SCHEMA_VERSION).toBe(SCHEMA_VERSION);
  });

  it('has a fixture for every older version', () => {
    const versions = new Set(fixtures.map((f) => Number(/^state\.v(\d+)/.exec(f)![1])));
    for (const m of MIGRATIONS) expect(versions.has(m.from)).toBe(true);
  });

  it.each(fixtures)('migrates %s to the current schema purely, saying what changed', (fixture) => {
    const text = readFileSync(join(FIXTURES, fixture), 'utf8');
    const doc = JSON.parse(text) as StoredDocument;
    const { doc: migrated, steps } = migrateDocument(doc);
    // Pure: the input is left as it was, and the same input gives the same output.
    expect(JSON.stringify(doc)).toBe(JSON.stringify(JSON.parse(text)));
    expect(migrateDocument(doc).doc).toEqual(migrated);
    expect(migrated.schemaVersion).toBe(SCHEMA_VERSION);
    expect(steps.map((s) => s.from)).toEqual(
      MIGRATIONS.filter((m) => m.from >= doc.schemaVersion).map((m) => m.from),
    );
    expect(steps[0].changes).toContain(`changed schemaVersion ${doc.schemaVersion} → ${steps[0].to}`);
  });

  it('v1 → v2 keeps the kill state and each strategy, and adds the limits, balances and models', () => {
    const v1 = JSON.parse(readFileSync(join(FIXTURES, 'state.v1-halted.json'), 'utf8')) as StoredDocument;
    const { doc, steps } = migrateDocument(v1);
    expect(doc.kill).toMatchObject({ halted: true });
    expect(doc.strategies).toEqual({
      'arb-btc': { mode: 'paper', state: 'HALTED' },
      'arb-eth': { mode: 'live', state: 'HALTED' },
      'arb-sol': { mode: 'paper', state: 'HALTED' },
    });
    expect(doc.models).toEqual({ 'arb-btc': null, 'arb-eth': null, 'arb-sol': null });
    expect(steps[0].changes).toEqual(
      expect.arrayContaining([
        'added kill',
        'added limits',
        'added startBalances',
        'added models',
        'removed halted',
      ]),
    );
  });
});

describe('StateStore.open', () => {
  it.each(fixtures)('migrates %s on open after a backup with the old bytes', async (fixture) => {
    const file = join(temp(), 'state.json');
    copyFileSync(join(FIXTURES, fixture), file);
    const before = readFileSync(file, 'utf8');
    const store = await StateStore.open(file);
    expect(store.data.schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.migration).not.toBeNull();
    expect(readFileSync(store.migration!.backup, 'utf8')).toBe(before);
    expect(store.migration!.backup).toMatch(/state\.json\.v1-\d{8}T\d{6}Z\.bak$/);
    // What is on disk now is the current schema and reads back the same.
    expect(inspectStore(file).steps).toEqual([]);
    expect(inspectStore(file).migrated).toEqual(store.data);
  });

  it('keeps the kill state across a reopen', async () => {
    const file = join(temp(), 'paper', 'state.json');
    const store = await StateStore.open(file);
    await store.update((s) => void (s.kill = { halted: true, reason: 'operator K', ts: 5 }));
    const again = await StateStore.open(file);
    expect(again.data.kill).toEqual({ halted: true, reason: 'operator K', ts: 5 });
    expect(again.migration).toBeNull();
  });

  it.each([
    ['not JSON', '{"schemaVersion": 2, "kill": {', /not valid JSON/],
    ['a newer version', JSON.stringify({ schemaVersion: 99, whatever: true }), /schemaVersion 99 is newer/],
    ['no version', JSON.stringify({ halted: true }), /field schemaVersion/],
    ['a JSON array', '[1,2]', /expected a JSON object/],
    [
      'a wrong field',
      JSON.stringify({
        schemaVersion: 2,
        kill: { halted: 'yes', reason: null, ts: null },
        strategies: {},
        limits: null,
        startBalances: null,
        models: {},
      }),
      /field kill\.halted/,
    ],
  ])('refuses %s and leaves the bytes untouched', async (_what, text, message) => {
    const file = join(temp(), 'state.json');
    writeFileSync(file, text);
    await expect(StateStore.open(file)).rejects.toThrow(StateError);
    await expect(StateStore.open(file)).rejects.toThrow(message);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(join(file, '..'))).toEqual(['state.json']);
  });
});
