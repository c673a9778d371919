// What each key does: keymap bindings turned into store changes and engine commands.
import type { Key } from 'ink';
import type { EngineClient } from '../control/client.ts';
import type { Command, CommandResult, StrategyRow } from '../control/protocol.ts';
import { resolveKey, type ActionId } from './keymap.ts';
import { selectedStrategy, type ConsoleStore, type PaneId } from './store.ts';

export type KeyHandler = (input: string, key: Key) => void;

export interface KeyHandlerDeps {
  store: ConsoleStore;
  client: EngineClient;
  /** Called once the operator confirmed quitting; resolves when the engine is stopped. */
  onExit: () => void | Promise<void>;
}

export function createKeyHandler({ store, client, onExit }: KeyHandlerDeps): KeyHandler {
  const report = (result: CommandResult): void => store.getState().report(result);

  const send = (command: Command, sending?: string): void => {
    if (sending) report({ ok: true, message: sending });
    client
      .send(command)
      .then(report, (error: unknown) => report({ ok: false, message: failure(command, error) }));
  };

  // The row the operator sees selected, with the state the engine last reported (even while frozen).
  const target = (): StrategyRow | undefined => {
    const state = store.getState();
    const shown = selectedStrategy(state);
    if (!shown) return undefined;
    return state.held?.strategies.find((row) => row.name === shown.name) ?? shown;
  };

  const withTarget = (act: (strategy: StrategyRow) => void): void => {
    const strategy = target();
    if (strategy) act(strategy);
    else report({ ok: false, message: 'no strategy selected' });
  };

  const kill = (): void => {
    store.getState().close();
    send({ type: 'kill' }, 'KILL sent: cancelling every order, halting every strategy…');
  };

  const quit = (): void => {
    const text = store.getState().attached
      ? 'Detaching: the engine keeps running…'
      : 'Stopping: cancelling open orders and closing…';
    store.getState().open({ kind: 'message', text, closable: false });
    Promise.resolve()
      .then(onExit)
      .catch((error: unknown) => {
        store.getState().close();
        report({ ok: false, message: `quit failed: ${reason(error)}` });
      });
  };

  const askGate = (strategy: StrategyRow): void => {
    if (strategy.mode === 'live') {
      report({ ok: false, message: `${strategy.name} is already LIVE` });
      return;
    }
    store.getState().open({ kind: 'promote', strategy: strategy.name, gate: null, typed: '' });
    // Without `confirm` the engine only answers with its break-even gate; nothing is promoted yet.
    client.send({ type: 'promote', strategy: strategy.name }).then(
      (gate) => store.getState().showGate(strategy.name, gate),
      (error: unknown) => store.getState().showGate(strategy.name, { ok: false, message: reason(error) }),
    );
  };

  const perform = (action: ActionId, input: string, key: Key): void => {
    const state = store.getState();
    switch (action) {
      case 'help':
        return state.open({ kind: 'help' });
      case 'focus-pane':
        return state.focusPane(Number(input) as PaneId);
      case 'focus-next':
        return state.focusNext();
      case 'focus-previous':
        return state.focusPrevious();
      case 'select-row':
        return state.moveRow(key.upArrow ? -1 : 1);
      case 'pause-resume':
        return withTarget((s) =>
          send(
            s.state === 'PAUSED' ? { type: 'resume', strategy: s.name } : { type: 'pause', strategy: s.name },
          ),
        );
      case 'promote':
        return withTarget(askGate);
      case 'demote':
        return withTarget((s) => send({ type: 'demote', strategy: s.name }));
      case 'kill':
        return kill();
      case 'rearm':
        return state.open({ kind: 'confirm-rearm' });
      case 'accept':
        return state.open({ kind: 'confirm-accept' });
      case 'freeze':
        return state.toggleFreeze();
      case 'quit':
        return state.open({ kind: 'confirm-quit' });
      case 'close':
      case 'confirm':
        return;
    }
  };

  const typePromote = (strategy: string, typed: string, input: string, key: Key): void => {
    const state = store.getState();
    if (key.escape) return state.close();
    if (key.ctrl && input === 'c') return state.open({ kind: 'confirm-quit' });
    if (key.return) {
      if (typed !== strategy) return;
      state.close();
      return send({ type: 'promote', strategy, confirm: typed }, `promoting ${strategy} to LIVE…`);
    }
    if (key.backspace || key.delete) return state.typePromote(Array.from(typed).slice(0, -1).join(''));
    if (key.ctrl || key.meta) return;
    const printable = Array.from(input)
      .filter((ch) => ch >= ' ' && ch !== '\u007f')
      .join('');
    if (printable) state.typePromote(typed + printable);
  };

  return (input, key) => {
    const state = store.getState();
    const overlay = state.overlay;
    const action = resolveKey(input, key)?.action;
    switch (overlay.kind) {
      case 'promote':
        return typePromote(overlay.strategy, overlay.typed, input, key);
      case 'confirm-quit':
        if (action === 'confirm') return quit();
        if (action === 'close') return state.close();
        if (action === 'kill') return kill();
        return;
      case 'confirm-rearm':
        if (action === 'confirm') {
          state.close();
          return send({ type: 'rearm' }, 're-arming…');
        }
        if (action === 'close') return state.close();
        if (action === 'kill') return kill();
        return;
      case 'confirm-accept':
        if (action === 'confirm') {
          state.close();
          return send({ type: 'acceptVenueState' }, 'accepting the venues’ state…');
        }
        if (action === 'close') return state.close();
        if (action === 'kill') return kill();
        return;
      case 'message':
        if (!overlay.closable) {
          // Even while stopping, the kill switch must reach the engine.
          if (action === 'kill') send({ type: 'kill' }, 'KILL sent');
          return;
        }
        state.close();
        if (action === 'close' || action === 'confirm') return;
        break;
      case 'help':
        state.close();
        if (action === 'close' || action === 'confirm' || action === 'help') return;
        break;
      case 'none':
        break;
    }
    if (action) perform(action, input, key);
  };
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failure(command: Command, error: unknown): string {
  return `${command.type} failed: ${reason(error)}`;
}
