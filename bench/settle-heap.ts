// A full collection before a timed run: the run's own inputs (tens of MB of events made just before) must not be
// copied out of the young generation by the first collections inside the measured window, which no running
// engine ever pays. The bench process turns on V8's gc() for itself; the product never does.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

export function settleHeap(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
}
