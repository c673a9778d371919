// The desk at a glance, as `tradedesk ctl status` answers it: built from one snapshot.
import type { DeskStatus, Snapshot } from './protocol.ts';

export function deskStatus(s: Snapshot): DeskStatus {
  return {
    state: s.state,
    mode: s.mode,
    openOrders: s.openOrders,
    strategies: s.strategies.map((r) => ({ name: r.name, mode: r.mode, state: r.state, netPnl: r.netPnl })),
    venues: s.venues.map((v) => ({ name: v.name, connected: v.connected, dataAgeMs: v.dataAgeMs })),
    ...held(s),
  };
}

/** What a restart's reconciliation holds, paper and live; nothing when all is clear. */
function held(s: Snapshot): Pick<DeskStatus, 'held'> {
  const paper = s.reconciliation ?? [];
  const live = s.liveReconciliation?.length ? s.liveReconciliation : s.liveHold ? [s.liveHold] : [];
  return paper.length + live.length > 0 ? { held: { paper, live } } : {};
}

/** One line for a person: "HALTED paper, 0 open orders | arb-btc PAPER HALTED +1.20 | binance up 12ms". */
export function deskStatusText(s: DeskStatus): string {
  const strategies = s.strategies.map((r) => `${r.name} ${r.mode.toUpperCase()} ${r.state} ${r.netPnl}`);
  const venues = s.venues.map((v) =>
    v.dataAgeMs < 0 ? `${v.name} no data` : `${v.name} ${v.connected ? 'up' : 'DOWN'} ${v.dataAgeMs}ms`,
  );
  const orders = `${s.openOrders} open order${s.openOrders === 1 ? '' : 's'}`;
  const held = s.held
    ? [
        s.held.paper.length > 0 ? `trading held: ${s.held.paper.length} difference(s) with the venues` : '',
        s.held.live.length > 0 ? `live held: ${s.held.live.length} difference(s) with the live venues` : '',
      ]
        .filter((h) => h !== '')
        .join(', ') + ' (ctl accept)'
    : '';
  return [`${s.state} ${s.mode}, ${orders}`, held, strategies.join(', '), venues.join(', ')]
    .filter((part) => part !== '')
    .join(' | ');
}
