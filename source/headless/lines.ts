// Headless output: one line per status tick and per event, as text for people or NDJSON for machines.
import type { EngineEvent, Snapshot } from '../control/protocol.ts';

export interface StatusLine {
  type: 'status';
  ts: number;
  state: string;
  mode: string;
  equity: string;
  netPnl: string;
  openPositions: number;
  openOrders: number;
  fills: number;
  venues: { name: string; connected: boolean; dataAgeMs: number }[];
}

export function statusOf(s: Snapshot): StatusLine {
  return {
    type: 'status',
    ts: s.ts,
    state: s.state,
    mode: s.mode,
    equity: s.pnl.equity,
    netPnl: s.pnl.net,
    openPositions: s.positions.filter((p) => Number(p.qty) !== 0).length,
    openOrders: s.openOrders,
    fills: s.fills,
    venues: s.venues.map((v) => ({ name: v.name, connected: v.connected, dataAgeMs: v.dataAgeMs })),
  };
}

function time(ts: number): string {
  return new Date(ts).toISOString().slice(11, 23);
}

export function statusText(l: StatusLine): string {
  const venues = l.venues
    .map((v) =>
      v.dataAgeMs < 0 ? `${v.name} no data` : `${v.name} ${v.connected ? 'up' : 'STALE'} ${v.dataAgeMs}ms`,
    )
    .join(', ');
  return `${time(l.ts)} STATUS ${l.state} ${l.mode.toUpperCase()} equity ${l.equity} net ${l.netPnl} positions ${l.openPositions} orders ${l.openOrders} fills ${l.fills} | ${venues}`;
}

export function eventText(e: EngineEvent): string {
  switch (e.type) {
    case 'fill':
      return `${time(e.ts)} FILL ${e.strategy} ${e.venue} ${e.side} ${e.qty} ${e.symbol} @ ${e.price} fee ${e.fee} ${e.liquidity}`;
    case 'funding':
      return `${time(e.ts)} FUNDING ${e.venue} ${e.symbol} ${e.amount} (rate ${e.rate})`;
    case 'alert':
      return `${time(e.ts)} ALERT ${e.severity.toUpperCase()} ${e.source}: ${e.message}`;
    case 'state':
      return `${time(e.ts)} STATE ${e.scope} ${e.from} -> ${e.to} (${e.reason})`;
  }
}
