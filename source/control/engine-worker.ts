// The engine's thread: renders never delay it, and commands (the kill switch above all) reach it directly.
import { parentPort, workerData } from 'node:worker_threads';
import { EngineHost } from '../engine/host.ts';
import { isBadInput } from './bad-input.ts';
import { ControlServer } from './socket-server.ts';
import { snapshotEncoder, type EngineWorkerData, type FromEngine, type ToEngine } from './worker-messages.ts';

const port = parentPort!;
const post = (m: FromEngine) => port.postMessage(m);
const data = workerData as EngineWorkerData;

try {
  // The control socket first: it is the data dir's lock, so two engines never write one journal.
  const control = await ControlServer.claim(data.control);
  let host: EngineHost;
  try {
    host = await EngineHost.create(data.options);
  } catch (e) {
    await control.close();
    throw e;
  }
  const encode = snapshotEncoder();
  host.onSnapshot((snapshot) => post(encode(snapshot)));
  host.onEvent((event) => post({ type: 'event', event }));
  port.on('message', async (m: ToEngine) => {
    if (m.type === 'command') post({ type: 'result', id: m.id, result: host.command(m.command) });
    else if (m.type === 'stop') {
      await host.stop();
      await control.close();
      post({ type: 'stopped' });
      port.close();
    }
  });
  control.serve(host);
  host.start();
  post({ type: 'ready' });
} catch (e) {
  // A bad key file, state file or telemetry setting found on this thread exits 2 as it does headless.
  post({ type: 'fatal', message: (e as Error).message, usage: isBadInput(e) });
}
