// Faults a loopback venue can be told to inject, so resilience is proven, not assumed.
export interface FaultPlan {
  /** Close every open websocket connection once (clients must reconnect and resubscribe). */
  drop?: boolean;
  /** Skip one sequence number in the next book diff of every subscribed book (clients must resync). */
  skipSequence?: boolean;
  /** Delay every websocket message and HTTP answer by this many ms until set back to 0. */
  delayMs?: number;
  /** Send one malformed (non-JSON) websocket message on every connection. */
  malformed?: boolean;
  /** Reject the next N orders with the venue's own error. */
  rejectOrders?: number;
  /** Answer the next N HTTP requests with the venue's rate-limit error (HTTP 429). */
  rateLimit?: number;
  /** Never answer cancel requests (they time out) until set back to false. */
  hangCancels?: boolean;
}

/** The live fault state of one venue; servers read and consume it. */
export class Faults {
  delayMs = 0;
  rejectOrders = 0;
  rateLimit = 0;
  hangCancels = false;
  private readonly handlers: {
    drop: (() => void)[];
    skipSequence: (() => void)[];
    malformed: (() => void)[];
  } = { drop: [], skipSequence: [], malformed: [] };

  on(kind: 'drop' | 'skipSequence' | 'malformed', handler: () => void): void {
    this.handlers[kind].push(handler);
  }

  apply(plan: FaultPlan): void {
    if (plan.delayMs !== undefined) this.delayMs = plan.delayMs;
    if (plan.rejectOrders !== undefined) this.rejectOrders = plan.rejectOrders;
    if (plan.rateLimit !== undefined) this.rateLimit = plan.rateLimit;
    if (plan.hangCancels !== undefined) this.hangCancels = plan.hangCancels;
    if (plan.drop) for (const h of this.handlers.drop) h();
    if (plan.skipSequence) for (const h of this.handlers.skipSequence) h();
    if (plan.malformed) for (const h of this.handlers.malformed) h();
  }

  /** true once per rejected order while the plan asks for rejections. */
  takeReject(): boolean {
    if (this.rejectOrders <= 0) return false;
    this.rejectOrders -= 1;
    return true;
  }

  takeRateLimit(): boolean {
    if (this.rateLimit <= 0) return false;
    this.rateLimit -= 1;
    return true;
  }
}

/** What a started loopback venue gives back: where it is, how ccxt reaches it, and its fault switch. */
export interface LoopbackVenue {
  name: string;
  /** ccxt class id, e.g. "binanceusdm" or "hyperliquid". */
  ccxt: string;
  /** Constructor options (urls, options) that point a plain ccxt client at this server. */
  config: { urls: Record<string, unknown>; options: Record<string, unknown> };
  /** Credentials the server accepts (test keys, never real ones). */
  credentials: Record<string, string>;
  faults: Faults;
  port: number;
  close(): Promise<void>;
}
