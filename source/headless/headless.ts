// The engine without a screen: status lines on a timer, one line per event, clean stop on signals.
import type { EngineEvent } from '../control/protocol.ts';
import type { ControlOptions } from '../control/endpoint.ts';
import { ControlServer } from '../control/socket-server.ts';
import { EngineHost, type HostOptions } from '../engine/host.ts';
import { eventText, statusOf, statusText } from './lines.ts';

export interface HeadlessOptions extends HostOptions {
  json: boolean;
  statusEverySec: number;
  durationSec?: number;
  out?: (line: string) => void;
  /** Where ctl and attach reach this engine. */
  control: ControlOptions;
}

export async function runHeadless(o: HeadlessOptions): Promise<number> {
  const out = o.out ?? ((line: string) => process.stdout.write(line + '\n'));
  // The control socket first: it is the data dir's lock, so two engines never write one journal.
  const control = await ControlServer.claim(o.control);
  let host: EngineHost;
  try {
    host = await EngineHost.create(o);
  } catch (e) {
    await control.close();
    throw e;
  }
  const print = (e: EngineEvent) => out(o.json ? JSON.stringify(e) : eventText(e));
  // What the engine said while starting (a restart HALTED, live gateways) comes first.
  for (const a of [...host.engine.alerts].reverse())
    print({ type: 'alert', ts: a.ts, severity: a.severity, source: a.source, message: a.message });
  host.onEvent(print);
  control.serve(host);
  const status = () => {
    const line = statusOf(host.snapshot());
    out(o.json ? JSON.stringify(line) : statusText(line));
  };
  host.start();
  status();
  const timer = setInterval(status, Math.max(0.1, o.statusEverySec) * 1000);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (why: string) => {
      if (stopping) return;
      stopping = true;
      clearInterval(timer);
      if (durationTimer) clearTimeout(durationTimer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGUSR1', onKill);
      await host.stop();
      await control.close();
      status();
      out(o.json ? JSON.stringify({ type: 'stopped', reason: why }) : `STOPPED (${why})`);
      resolve(0);
    };
    const onInt = () => void stop('SIGINT');
    const onTerm = () => void stop('SIGTERM');
    const onKill = () => void host.command({ type: 'kill' });
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('SIGUSR1', onKill);
    const durationTimer =
      o.durationSec !== undefined ? setTimeout(() => void stop('duration'), o.durationSec * 1000) : null;
  });
}
