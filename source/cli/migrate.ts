// tradedesk migrate [--dry-run]: bring each store of a data dir to the current schema, backing it up first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFileAtomically } from '../../state/atomic-file.ts';
import { backupStore, inspectStore, SCHEMA_VERSION } from '../../state/store.ts';
import type { CommonOptions } from './main.ts';
import { UsageError } from './main.ts';

const MODES = ['paper', 'live'] as const;

export function runMigrateCommand({ dataDir, flags }: CommonOptions): number {
  const files = MODES.map((mode) => join(dataDir, mode, 'state.json')).filter((f) => existsSync(f));
  if (files.length === 0) throw new UsageError(`no state store in ${dataDir} (looked in paper/ and live/)`);
  // Inspect every store before touching any: one refused file means nothing is written at all.
  const plans = files.map((file) => ({ file, ...inspectStore(file) }));
  const out: string[] = [];
  for (const p of plans) {
    if (p.steps.length === 0) {
      out.push(`${p.file}: schema v${p.version}, up to date`);
      continue;
    }
    out.push(`${p.file}: schema v${p.version} → v${SCHEMA_VERSION}`);
    for (const s of p.steps) out.push(`  v${s.from} → v${s.to}: ${s.summary}`, `    ${s.changes.join('; ')}`);
    if (flags.dryRun) continue;
    const backup = backupStore(p.file, p.version!);
    replaceFileAtomically(p.file, JSON.stringify(p.migrated, null, 2) + '\n');
    out.push(`  backup: ${backup}`, `  migrated`);
  }
  if (flags.dryRun) out.push('dry run: nothing written');
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
