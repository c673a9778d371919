// The bottom two lines: the key hints that fit (from the one keymap) and the engine's answer to the last command.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { footerHints } from './keymap.ts';
import type { ConsoleStore } from './store.ts';

export function Footer({ store, width }: { store: ConsoleStore; width: number }): ReactNode {
  const result = useStore(store, (s) => s.lastResult);
  const frozen = useStore(store, (s) => s.frozen);
  return (
    <Box flexDirection="column" width={width} height={2} flexShrink={0}>
      <Text wrap="truncate">
        {footerHints(width).map((binding, i) => (
          <Text key={binding.action + binding.keys.join('')}>
            {i > 0 ? '  ' : ''}
            <Text bold color={binding.action === 'kill' ? 'red' : 'cyan'}>
              {binding.keys.join('')}
            </Text>
            <Text dimColor>{` ${binding.label}`}</Text>
          </Text>
        ))}
      </Text>
      {result ? (
        <Text wrap="truncate" color={result.ok ? 'green' : 'red'}>
          {`${result.ok ? '✓' : '✗'} ${result.message}`}
        </Text>
      ) : (
        <Text wrap="truncate" dimColor>
          {frozen ? 'display frozen, the engine keeps trading: space to resume' : 'ready'}
        </Text>
      )}
    </Box>
  );
}
