// POST with retries and backoff, off the engine's path: a slow or dead receiver costs a dropped batch, never a stall.
export interface DeliveryOptions {
  headers?: Record<string, string>;
  attempts?: number;
  /** First retry after this long, doubling. */
  backoffMs?: number;
  timeoutMs?: number;
}

export interface DeliveryStats {
  sent: number;
  failed: number;
}

/** POST a body already encoded; true once the receiver answered 2xx. */
export async function post(
  url: string,
  body: string | Uint8Array,
  contentType: string,
  o: DeliveryOptions = {},
): Promise<boolean> {
  const attempts = o.attempts ?? 3;
  let wait = o.backoffMs ?? 500;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType, ...o.headers },
        body,
        signal: AbortSignal.timeout(o.timeoutMs ?? 5_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      // 4xx other than 429 will not get better by asking again.
      if (response.ok) return true;
      if (response.status < 500 && response.status !== 429) return false;
    } catch {
      // network error or timeout: retry
    }
    if (attempt < attempts) {
      await new Promise((r) => setTimeout(r, wait).unref());
      wait *= 2;
    }
  }
  return false;
}

export function postJson(url: string, body: unknown, o: DeliveryOptions = {}): Promise<boolean> {
  return post(url, JSON.stringify(body), 'application/json', o);
}
