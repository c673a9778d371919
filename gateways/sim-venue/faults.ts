// Faults a loopback venue can be told to inject, so resilience is proven, not assumed.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';

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
  /** Answer the next N open-orders queries with the venue's internal error (a venue that cannot say what rests). */
  refuseOpenOrders?: number;
}

/** The live fault state of one venue; servers read and consume it. */
export class Faults {
  delayMs = 0;
  rejectOrders = 0;
  rateLimit = 0;
  hangCancels = false;
  refuseOpenOrders = 0;
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
    if (plan.refuseOpenOrders !== undefined) this.refuseOpenOrders = plan.refuseOpenOrders;
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

  /** true once per refused open-orders query while the plan asks for refusals (Binance-style servers). */
  takeOpenOrdersRefusal(): boolean {
    if (this.refuseOpenOrders <= 0) return false;
    this.refuseOpenOrders -= 1;
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

const faultPlanSchema = z
  .object({
    drop: z.boolean().optional(),
    skipSequence: z.boolean().optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    malformed: z.boolean().optional(),
    rejectOrders: z.number().int().min(0).optional(),
    rateLimit: z.number().int().min(0).optional(),
    hangCancels: z.boolean().optional(),
    refuseOpenOrders: z.number().int().min(0).optional(),
  })
  .strict();

/** GET or POST /__faults on a Binance-style server: read the fault state, or apply a FaultPlan. */
export function faultsEndpoint(method: string, body: string, faults: Faults, res: ServerResponse): void {
  const state = () => ({
    delayMs: faults.delayMs,
    rejectOrders: faults.rejectOrders,
    rateLimit: faults.rateLimit,
    hangCancels: faults.hangCancels,
    refuseOpenOrders: faults.refuseOpenOrders,
  });
  const send = (status: number, payload: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(payload));
  };
  if (method === 'GET') return send(200, { faults: state() });
  if (method !== 'POST') return send(405, { error: 'use POST with a FaultPlan JSON body' });
  let plan: FaultPlan;
  try {
    plan = faultPlanSchema.parse(JSON.parse(body || '{}'));
  } catch (e) {
    return send(400, { error: `not a fault plan: ${(e as Error).message}` });
  }
  faults.apply(plan);
  send(200, { ok: true, faults: state() });
}
