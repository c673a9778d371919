// The break-even gate: a strategy reaches live money only when its paper record says it pays its costs.
export interface BreakEvenGateRules {
  minTrades: number;
  minNetPnl: number;
  maxDrawdown: number;
}

export interface PaperRecord {
  trades: number;
  /** After fees and funding, quote currency. */
  netPnl: number;
  maxDrawdown: number;
  criticalFindings: number;
}

export interface GateCriterion {
  name: string;
  value: string;
  need: string;
  ok: boolean;
}

export interface GateVerdict {
  ok: boolean;
  criteria: GateCriterion[];
  /** One line: every criterion with its value, failing ones first. */
  message: string;
}

export function judgeBreakEven(record: PaperRecord, rules: BreakEvenGateRules): GateVerdict {
  const criteria: GateCriterion[] = [
    {
      name: 'paper trades',
      value: String(record.trades),
      need: `≥ ${rules.minTrades}`,
      ok: record.trades >= rules.minTrades,
    },
    {
      name: 'net PnL after fees and funding',
      value: record.netPnl.toFixed(2),
      need: `≥ ${rules.minNetPnl}`,
      ok: record.netPnl >= rules.minNetPnl,
    },
    {
      name: 'max drawdown',
      value: record.maxDrawdown.toFixed(2),
      need: `≤ ${rules.maxDrawdown}`,
      ok: record.maxDrawdown <= rules.maxDrawdown,
    },
    {
      name: 'critical integrity findings',
      value: String(record.criticalFindings),
      need: '= 0',
      ok: record.criticalFindings === 0,
    },
  ];
  const ok = criteria.every((c) => c.ok);
  const ordered = [...criteria.filter((c) => !c.ok), ...criteria.filter((c) => c.ok)];
  const text = ordered.map((c) => `${c.ok ? 'ok' : 'FAIL'} ${c.name} ${c.value} (${c.need})`).join('; ');
  return { ok, criteria, message: `break-even gate ${ok ? 'passed' : 'refused'}: ${text}` };
}
