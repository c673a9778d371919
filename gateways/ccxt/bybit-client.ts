// ccxt's bybit with its order book stream checked: ccxt applies Bybit's deltas without looking at their update id `u`,
// so a lost delta (or a frame that cannot be read) would leave a wrong book forever. Here a gap is an error the feed
// reports, and the book is unsubscribed and subscribed again, which makes Bybit send a fresh snapshot.
import { ccxtProClass, type ProClass } from './client.ts';

interface WsClient {
  url: string;
  subscriptions: Record<string, unknown>;
  reject(error: Error, messageHash?: string): void;
  send(message: unknown): Promise<unknown>;
}

interface BybitBookMessage {
  topic?: string;
  type?: string;
  data?: { u?: number | string };
}

type Handler = (client: WsClient, message: unknown) => unknown;

export async function bybitProClass(): Promise<ProClass> {
  const Base = await ccxtProClass('bybit');
  const errors = (await import('ccxt')).default as unknown as Record<string, new (m: string) => Error>;
  const parent = Base.prototype as unknown as {
    handleMessage: Handler;
    handleOrderBook: Handler;
  };
  class DeskBybit extends (Base as unknown as new (c: Record<string, unknown>) => Record<string, unknown>) {
    /** "url topic" → the update id of the last snapshot or delta applied. */
    private readonly bookIds = new Map<string, number>();

    handleMessage(client: WsClient, message: unknown): unknown {
      if (typeof message !== 'string') return parent.handleMessage.call(this, client, message);
      // An unreadable frame may have been a delta: every book on this connection starts again from a snapshot.
      const why = 'a frame that is not JSON';
      for (const key of [...this.bookIds.keys()])
        if (key.startsWith(`${client.url} `)) this.resync(client, key.slice(client.url.length + 1), why);
      client.reject(new errors.BadResponse(`bybit sent ${why}: ${message.slice(0, 80)}`));
      return undefined;
    }

    handleOrderBook(client: WsClient, message: BybitBookMessage): unknown {
      const topic = message.topic ?? '';
      const u = Number(message.data?.u);
      const key = `${client.url} ${topic}`;
      // A snapshot replaces the book whatever its id: Bybit restarts a stream at u = 1.
      if (message.type === 'snapshot') {
        this.bookIds.set(key, u);
        return parent.handleOrderBook.call(this, client, message);
      }
      const last = this.bookIds.get(key);
      // A delta with no snapshot before it belongs to a subscription being replaced: nothing to apply it to.
      if (last === undefined) return undefined;
      if (u !== last + 1) {
        this.resync(client, topic, `update id gap on ${topic}: ${last} then ${u}`);
        return undefined;
      }
      this.bookIds.set(key, u);
      return parent.handleOrderBook.call(this, client, message);
    }

    private resync(client: WsClient, topic: string, why: string): void {
      this.bookIds.delete(`${client.url} ${topic}`);
      const self = this as unknown as {
        safeMarket(id: string, m?: unknown, d?: unknown, type?: string): { symbol: string };
        orderbooks: Record<string, unknown>;
        requestId(): number;
      };
      const symbol = self.safeMarket(topic.split('.')[2] ?? '', undefined, undefined, 'contract').symbol;
      const hash = `orderbook:${symbol}`;
      delete client.subscriptions[hash];
      delete self.orderbooks[symbol];
      // The next watchOrderBook subscribes again; the unsubscribe first, or Bybit answers "already subscribed".
      client
        .send({ op: 'unsubscribe', req_id: String(self.requestId()), args: [topic] })
        .catch(() => undefined);
      client.reject(new errors.InvalidNonce(`bybit ${why}; resubscribing for a new snapshot`), hash);
    }
  }
  return DeskBybit as unknown as ProClass;
}
