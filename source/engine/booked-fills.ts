// Which venue fills a journal already holds: a fill looked up again after a restart is booked once, never twice.
//
// The rule: a fill that carries the venue's trade id is booked when a fill line of the same venue has that trade id.
// A journal line without one (written before fills carried it, or from a venue that gives none) stands for one fill
// of its order with its qty and price: it is matched once, so two equal fills of one order need two such lines.
import type { JournalLine } from '../../state/journal.ts';
import type { Fill } from '../core/trading.ts';
import { fx, str } from '../core/money.ts';

export class BookedFills {
  private readonly tradeIds = new Set<string>();
  /** venue|order|qty|price → journal lines without a trade id not yet matched to a venue fill. */
  private readonly unnamed = new Map<string, number>();

  /** The fills a journal holds (its fill lines: `type` "fill" or none). */
  static of(lines: readonly JournalLine[]): BookedFills {
    const booked = new BookedFills();
    for (const { record: r } of lines) {
      if (r.type !== undefined && r.type !== 'fill') continue;
      booked.add({
        venue: String(r.venue),
        orderId: String(r.orderId),
        qty: fx(String(r.qty)),
        price: fx(String(r.price)),
        ...(r.tradeId === undefined ? {} : { tradeId: String(r.tradeId) }),
      });
    }
    return booked;
  }

  /** A fill just booked. */
  add(fill: Pick<Fill, 'venue' | 'orderId' | 'qty' | 'price' | 'tradeId'>): void {
    if (fill.tradeId !== undefined) this.tradeIds.add(`${fill.venue}|${fill.tradeId}`);
    else this.unnamed.set(unnamedKey(fill), (this.unnamed.get(unnamedKey(fill)) ?? 0) + 1);
  }

  /**
   * The venue's fills the journal does not hold yet, in the venue's order. A fill matched to an unnamed line uses that
   * line up, so the same list asked again (a second restart) gives nothing once the first answer was booked.
   */
  notBooked(fills: readonly Fill[]): Fill[] {
    const out: Fill[] = [];
    const seen = new Set<string>();
    for (const f of fills) {
      if (f.tradeId !== undefined) {
        const id = `${f.venue}|${f.tradeId}`;
        // The venue may list one trade twice (pages that overlap): it is still one fill.
        if (this.tradeIds.has(id) || seen.has(id)) continue;
        seen.add(id);
      }
      const k = unnamedKey(f);
      const left = this.unnamed.get(k) ?? 0;
      if (left > 0) {
        // An older line without a trade id already stands for this fill: it now has its id.
        this.unnamed.set(k, left - 1);
        if (f.tradeId !== undefined) this.tradeIds.add(`${f.venue}|${f.tradeId}`);
        continue;
      }
      out.push(f);
    }
    return out;
  }
}

function unnamedKey(f: Pick<Fill, 'venue' | 'orderId' | 'qty' | 'price'>): string {
  return `${f.venue}|${f.orderId}|${str(f.qty)}|${str(f.price)}`;
}
