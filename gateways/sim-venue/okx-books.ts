// The loopback OKX `books` channel: a snapshot on subscribe, then every 100 ms the levels that changed, each message
// chained by seqId/prevSeqId and carrying OKX's CRC32 checksum of the top 25 levels a side.
import type { Faults } from './faults.ts';
import { OKX_VENUE, okxPrice, type OkxMarket, type OkxSymbol } from './okx-market.ts';
import type { OkxSocket } from './okx-wire.ts';

/** OKX pushes `books` updates every 100 ms. */
const PUSH_MS = 100;
/** OKX's checksum covers the best 25 levels of each side. */
const CHECKSUM_LEVELS = 25;
/** The `books` channel is 400 levels deep; the simulated books are shallower. */
const DEPTH = 400;

type WireLevel = [price: string, size: string];

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (ISO-HDLC, as zlib) of a string's UTF-8 bytes, as a signed 32-bit integer. */
export function crc32(text: string): number {
  let c = -1;
  for (const b of Buffer.from(text, 'utf8')) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) | 0;
}

/**
 * OKX's book checksum: "bid1px:bid1sz:ask1px:ask1sz:bid2px:…" over the best 25 levels of each side, interleaved (the
 * longer side's extra levels follow on their own), with prices and sizes exactly as sent; CRC-32, signed.
 */
export function okxChecksum(bids: readonly WireLevel[], asks: readonly WireLevel[]): number {
  const parts: string[] = [];
  for (let i = 0; i < CHECKSUM_LEVELS; i++) {
    if (i < bids.length) parts.push(bids[i][0], bids[i][1]);
    if (i < asks.length) parts.push(asks[i][0], asks[i][1]);
  }
  return crc32(parts.join(':'));
}

interface Published {
  bids: WireLevel[];
  asks: WireLevel[];
  seqId: number;
  ts: number;
  checksum: number;
}

interface Channel {
  s: OkxSymbol;
  subscribers: Set<OkxSocket>;
  last: Published;
  /** Faults: the next update goes out cut short, or one update is lost (seqIds jump). */
  corruptNext: boolean;
  skipNext: boolean;
}

export class OkxBooks {
  private readonly channels = new Map<string, Channel>();
  private readonly timer: NodeJS.Timeout;
  private nextSeq = 1_000_000 + Math.floor(Math.random() * 1_000_000);

  constructor(
    private readonly market: OkxMarket,
    faults: Faults,
  ) {
    this.timer = setInterval(() => this.push(), PUSH_MS);
    faults.on('skipSequence', () => {
      for (const c of this.channels.values()) c.skipNext = true;
    });
    faults.on('malformed', () => {
      for (const c of this.channels.values()) c.corruptNext = true;
    });
  }

  /** Does this socket hold any book subscription (the malformed fault then corrupts a book frame instead)? */
  has(sock: OkxSocket): boolean {
    for (const c of this.channels.values()) if (c.subscribers.has(sock)) return true;
    return false;
  }

  /** Subscribe (or subscribe again, which resyncs): the book as last published, as a snapshot. */
  subscribe(sock: OkxSocket, s: OkxSymbol): void {
    let c = this.channels.get(s.instId);
    if (!c) {
      c = { s, subscribers: new Set(), last: this.current(s), corruptNext: false, skipNext: false };
      c.last.seqId = this.nextSeq++;
      this.channels.set(s.instId, c);
    }
    c.subscribers.add(sock);
    const { bids, asks, ts, checksum, seqId } = c.last;
    sock.send(
      JSON.stringify({
        arg: { channel: 'books', instId: s.instId },
        action: 'snapshot',
        data: [
          { asks: asks.map(wire), bids: bids.map(wire), ts: String(ts), checksum, prevSeqId: -1, seqId },
        ],
      }),
    );
  }

  unsubscribe(sock: OkxSocket, instId?: string): void {
    for (const c of this.channels.values())
      if (instId === undefined || c.s.instId === instId) c.subscribers.delete(sock);
  }

  close(): void {
    clearInterval(this.timer);
    this.channels.clear();
  }

  /** The venue's book now, written as OKX writes it. */
  private current(s: OkxSymbol): Published {
    const book = this.market.exchange.book(OKX_VENUE, s.inst.symbol);
    const side = (levels: [number, number][]): WireLevel[] =>
      levels.map(([p, q]) => [okxPrice(s.inst, p), this.market.contracts(s, q)]);
    const bids = side(book.bids.levels(DEPTH));
    const asks = side(book.asks.levels(DEPTH));
    return { bids, asks, seqId: 0, ts: Date.now(), checksum: okxChecksum(bids, asks) };
  }

  private push(): void {
    for (const c of this.channels.values()) {
      if (c.subscribers.size === 0) continue;
      const prev = c.last;
      const next = this.current(c.s);
      const bids = changes(prev.bids, next.bids);
      const asks = changes(prev.asks, next.asks);
      if (bids.length === 0 && asks.length === 0) continue;
      // A lost update: seqIds jump by one message, so the client's chain breaks and it must subscribe again.
      if (c.skipNext) this.nextSeq++;
      const prevSeqId = c.skipNext ? this.nextSeq - 1 : prev.seqId;
      next.seqId = this.nextSeq++;
      c.skipNext = false;
      c.last = next;
      let text = JSON.stringify({
        arg: { channel: 'books', instId: c.s.instId },
        action: 'update',
        data: [
          {
            asks: asks.map(wire),
            bids: bids.map(wire),
            ts: String(next.ts),
            checksum: next.checksum,
            prevSeqId,
            seqId: next.seqId,
          },
        ],
      });
      // A frame cut off mid-JSON: the client cannot read it, so the next update no longer follows on.
      if (c.corruptNext) text = text.slice(0, Math.floor(text.length / 2));
      c.corruptNext = false;
      for (const sock of c.subscribers) sock.send(text);
    }
  }
}

/** Levels whose size changed or that appeared, and "0" for levels that went away. */
function changes(before: WireLevel[], after: WireLevel[]): WireLevel[] {
  const was = new Map(before);
  const out: WireLevel[] = [];
  for (const [p, q] of after) if (was.get(p) !== q) out.push([p, q]);
  const now = new Set(after.map(([p]) => p));
  for (const [p] of before) if (!now.has(p)) out.push([p, '0']);
  return out;
}

/** A level as OKX sends it: price, size in contracts, a deprecated "0", and the number of orders. */
function wire([p, q]: WireLevel): string[] {
  return [p, q, '0', q === '0' ? '0' : '1'];
}
