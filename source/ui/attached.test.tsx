// The console attached to an engine in another process: quitting only detaches, and a lost link is shown.
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from './App.tsx';
import { snapshotFixture } from './fixtures.ts';
import { DETACH_QUESTION, QUIT_QUESTION } from './Overlay.tsx';
import { createConsoleStore } from './store.ts';
import { FakeEngineClient, renderAt, stripAnsi, tick } from './testing.ts';

afterEach(cleanup);

async function mount(attached: boolean) {
  const store = createConsoleStore(snapshotFixture(), { attached });
  const client = new FakeEngineClient();
  const onExit = vi.fn();
  const view = renderAt(<App store={store} client={client} columns={120} rows={30} onExit={onExit} />, 120);
  await tick();
  const press = async (key: string) => {
    view.stdin.write(key);
    await tick();
  };
  return { store, client, onExit, press, screen: () => stripAnsi(view.lastFrame() ?? '') };
}

describe('attached console', () => {
  it('asks to detach, not to stop trading, and says it is detaching', async () => {
    const { press, screen, onExit } = await mount(true);
    await press('q');
    expect(screen()).toContain(DETACH_QUESTION);
    expect(screen()).not.toContain(QUIT_QUESTION);
    await press('y');
    expect(onExit).toHaveBeenCalledTimes(1);
    expect(screen()).toContain('Detaching: the engine keeps running');
  });

  it('an embedded engine still asks the quit question', async () => {
    const { press, screen } = await mount(false);
    await press('q');
    expect(screen()).toContain(QUIT_QUESTION);
  });

  it('shows DISCONNECTED with the reason in the header and keeps the last picture', async () => {
    const { store, screen } = await mount(true);
    expect(screen().split('\n')[0]).not.toContain('DISCONNECTED');
    store.getState().loseConnection('the engine closed the connection');
    await tick();
    const header = screen().split('\n')[0];
    expect(header).toContain('DISCONNECTED: the engine closed the connection');
    expect(screen()).toContain('arb-btc');
  });
});
