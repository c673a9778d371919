import { render } from 'ink-testing-library';
import { App } from './App.tsx';
import { createConsoleStore } from './store.ts';
import { snapshotFixture } from './fixtures.ts';
import { FakeEngineClient, stripAnsi } from './testing.ts';
const [cols, rows] = process.argv.slice(2).map(Number);
const store = createConsoleStore(snapshotFixture());
const client = new FakeEngineClient();
const node = <App store={store} client={client} columns={cols} rows={rows} onExit={() => {}} />;
const r = render(node);
Object.defineProperty(r.stdout, 'columns', { get: () => cols });
r.rerender(node);
await new Promise(r => setTimeout(r, 50));
if (process.argv[4]) { r.stdin.write(process.argv[4]); await new Promise(r => setTimeout(r, 50)); }
const f = stripAnsi(r.lastFrame() ?? '');
console.log(f);
console.log('lines', f.split('\n').length, 'widest', Math.max(...f.split('\n').map(l => [...l].length)));
r.unmount();
process.exit(0);
