// Whatever is drawn over the panes: help, a y/n question, the promote dialog, or a message.
import { Box } from 'ink';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { Dialog, dialogWidth } from './Dialog.tsx';
import { wrapWords } from './format.ts';
import { HelpOverlay } from './HelpOverlay.tsx';
import { PromoteDialog } from './PromoteDialog.tsx';
import type { ConsoleStore } from './store.ts';

export const QUIT_QUESTION = 'Quit? trading stops and open orders are cancelled (y/n)';
export const DETACH_QUESTION = 'Quit? this console detaches, the engine keeps running (y/n)';
export const REARM_QUESTION = 'Re-arm trading? strategies may place orders again (y/n)';
export const ACCEPT_QUESTION = "Take the venues' orders and positions as true and trade again? (y/n)";

export function Overlay({
  store,
  width,
  height,
}: {
  store: ConsoleStore;
  width: number;
  height: number;
}): ReactNode {
  const overlay = useStore(store, (s) => s.overlay);
  const tradingState = useStore(store, (s) => s.snapshot?.state);
  const quitQuestion = useStore(store, (s) => (s.attached ? DETACH_QUESTION : QUIT_QUESTION));
  if (overlay.kind === 'none') return null;
  return (
    <Box
      position="absolute"
      width={width}
      height={height}
      justifyContent="center"
      alignItems="center"
      overflow="hidden"
    >
      {overlay.kind === 'help' && <HelpOverlay width={width} />}
      {overlay.kind === 'promote' && <PromoteDialog store={store} width={width} />}
      {overlay.kind === 'confirm-quit' && (
        <Dialog
          title="Quit"
          tone="yellow"
          width={dialogWidth(width, quitQuestion.length + 2)}
          lines={[{ text: quitQuestion }]}
        />
      )}
      {overlay.kind === 'confirm-rearm' && (
        <Dialog
          title="Re-arm"
          tone="yellow"
          width={dialogWidth(width, REARM_QUESTION.length + 2)}
          lines={[
            { text: REARM_QUESTION },
            { text: `trading state now: ${tradingState ?? 'unknown'}`, dim: true },
          ]}
        />
      )}
      {overlay.kind === 'confirm-accept' && (
        <Dialog
          title="Reconciliation"
          tone="yellow"
          width={dialogWidth(width, ACCEPT_QUESTION.length + 2)}
          lines={[{ text: ACCEPT_QUESTION }, { text: 'see the Alerts pane for what differs', dim: true }]}
        />
      )}
      {overlay.kind === 'message' && (
        <Dialog
          title="tradedesk"
          width={dialogWidth(width, 64)}
          lines={wrapWords(overlay.text, dialogWidth(width, 64) - 2, 6).map((text) => ({ text }))}
        />
      )}
    </Box>
  );
}
