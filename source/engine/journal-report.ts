// The performance report from a journal alone: positions marked at their last fill, equity sampled per minute.
import { toNumber } from '../core/money.ts';
import { auditJournal, markAtLastFills, type Finding } from './journal-audit.ts';
import { PerformanceBook } from './performance.ts';
import { reportOf, type Report } from './report.ts';

const SAMPLE_MS = 60_000;

export function reportFromJournal(file: string): { report: Report; findings: Finding[] } {
  let perf: PerformanceBook | null = null;
  let nextSample = Number.NEGATIVE_INFINITY;
  let lastTs = 0;
  const audit = auditJournal(file, (a, ts, type) => {
    if (Number.isFinite(ts)) lastTs = Math.max(lastTs, ts);
    // Sampling starts after the deposits, so the start equity is whole.
    if (type === 'deposit' || !(ts >= nextSample)) return;
    nextSample = ts + SAMPLE_MS;
    markAtLastFills(a.ledger, a.lastPrice);
    perf ??= new PerformanceBook(SAMPLE_MS, toNumber(a.ledger.startEquity()));
    perf.sample(a.ledger, ts);
  });
  markAtLastFills(audit.ledger, audit.lastPrice);
  perf ??= new PerformanceBook(SAMPLE_MS, toNumber(audit.ledger.startEquity()));
  return { report: reportOf(audit.ledger, perf, lastTs), findings: audit.findings };
}
