// Alert sinks: a webhook that gets a POST per alert at or above its severity, and the terminal bell on critical ones.
import type { EngineEvent, Severity } from '../control/protocol.ts';
import { postJson } from './delivery.ts';

type AlertEvent = Extract<EngineEvent, { type: 'alert' }>;

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
/** Alerts waiting for a slow webhook beyond this are dropped (and counted), oldest first. */
const MAX_QUEUE = 100;

export class WebhookSink {
  private readonly queue: AlertEvent[] = [];
  private sending: Promise<void> | null = null;
  delivered = 0;
  dropped = 0;

  constructor(
    private readonly url: string,
    private readonly minSeverity: Severity,
    private readonly service: string,
    private readonly backoffMs = 500,
  ) {}

  /** Never blocks: the alert is queued and sent in the background, in order. */
  onEvent(e: EngineEvent): void {
    if (e.type !== 'alert' || RANK[e.severity] < RANK[this.minSeverity]) return;
    this.queue.push(e);
    if (this.queue.length > MAX_QUEUE) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.sending ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const a = this.queue.shift()!;
      const body = {
        service: this.service,
        ts: a.ts,
        severity: a.severity,
        source: a.source,
        message: a.message,
      };
      if (await postJson(this.url, body, { attempts: 4, backoffMs: this.backoffMs })) this.delivered += 1;
      else this.dropped += 1;
    }
    this.sending = null;
  }

  /** Wait for what is queued (at shutdown). */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
  }
}

/** BEL on critical alerts: the operator's terminal (or tmux) flags the window even when the console is not in view. */
export class TerminalBell {
  rung = 0;
  constructor(private readonly stream: { write(s: string): unknown; isTTY?: boolean }) {}
  onEvent(e: EngineEvent): void {
    if (e.type !== 'alert' || e.severity !== 'critical' || !this.stream.isTTY) return;
    this.stream.write('\u0007');
    this.rung += 1;
  }
}
