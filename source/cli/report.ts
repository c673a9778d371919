// tradedesk report: performance from the journal alone (positions marked at their last fill).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { reportFromJournal } from '../engine/journal-report.ts';
import type { CommonOptions } from './main.ts';
import { UsageError } from './main.ts';
import { printReport } from './replay.ts';

export function runReportCommand({ dataDir, flags }: CommonOptions): number {
  // The trading store of the mode asked for; a data dir that has only replayed reports its replay.
  const candidates = [flags.live ? 'live' : 'paper', 'replay'].map((s) => join(dataDir, s, 'journal.ndjson'));
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new UsageError(`no journal in ${dataDir} (looked for ${candidates.join(', ')})`);
  const { report, findings } = reportFromJournal(file);
  for (const f of findings)
    process.stderr.write(`tradedesk: warning: ${f.file}${f.line ? `:${f.line}` : ''}: ${f.message}\n`);
  if (flags.json) process.stdout.write(JSON.stringify(report) + '\n');
  else printReport(report, [`report: ${file} (positions marked at their last fill)`]);
  return 0;
}
