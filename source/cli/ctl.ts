// tradedesk ctl VERB [STRATEGY]: one command to the engine running on --data-dir, one line back.
import { createInterface } from 'node:readline/promises';
import { deskStatusText } from '../control/desk-status.ts';
import { controlSocketPath } from '../control/endpoint.ts';
import type { Command, CommandResult } from '../control/protocol.ts';
import { RemoteEngineClient } from '../control/socket-client.ts';
import { UsageError, type ControlCommandOptions } from './main.ts';

const VERBS = [
  'status',
  'pause',
  'resume',
  'promote',
  'demote',
  'kill',
  'rearm',
  'reduce',
  'accept',
] as const;
type Verb = (typeof VERBS)[number];
const NEEDS_STRATEGY: readonly Verb[] = ['pause', 'resume', 'promote', 'demote'];
/** An engine that has not answered by then is stuck: say so rather than hang a script. */
const ANSWER_TIMEOUT_MS = 10_000;

export async function runCtlCommand(
  args: string[],
  { dataDir, flags }: ControlCommandOptions,
): Promise<number> {
  const [verb, strategy, extra] = args;
  if (verb === undefined) throw new UsageError(`ctl needs a verb: ${VERBS.join(', ')}`);
  if (!isVerb(verb)) throw new UsageError(`unknown ctl verb "${verb}" (expected ${VERBS.join(', ')})`);
  const needsStrategy = NEEDS_STRATEGY.includes(verb);
  if (needsStrategy && strategy === undefined) throw new UsageError(`ctl ${verb} needs a strategy name`);
  // reduce takes a strategy or none (then the whole engine).
  const unexpected = needsStrategy || verb === 'reduce' ? extra : strategy;
  if (unexpected !== undefined) throw new UsageError(`unexpected argument "${unexpected}"`);
  const confirms = verb === 'rearm' || verb === 'promote' || verb === 'accept';
  if (confirms && !flags.yes && !process.stdin.isTTY)
    throw new UsageError(`ctl ${verb} needs confirmation: pass --yes (stdin is not a terminal to ask on)`);

  const socket = controlSocketPath(dataDir, flags.live ? 'live' : 'paper');
  const client = await RemoteEngineClient.connectSocket(socket, dataDir);
  const print = (result: CommandResult): number => {
    if (verb === 'status' && result.status)
      say(flags.json ? JSON.stringify(result.status) : deskStatusText(result.status));
    else say(flags.json ? JSON.stringify({ ok: result.ok, message: result.message }) : result.message);
    return result.ok ? 0 : 1;
  };
  try {
    const ask = (command: Command) => answer(client, command);
    switch (verb) {
      case 'status':
      case 'kill':
        return print(await ask({ type: verb }));
      case 'pause':
      case 'resume':
      case 'demote':
        return print(await ask({ type: verb, strategy: strategy! }));
      case 'reduce':
        return print(await ask({ type: 'reduce', ...(strategy === undefined ? {} : { strategy }) }));
      case 'accept': {
        if (
          !flags.yes &&
          !(await confirmYes(`Take the venues' state as true in ${dataDir} and trade again? [y/N] `))
        )
          return print({ ok: false, message: 'venue state not accepted: not confirmed' });
        return print(await ask({ type: 'acceptVenueState' }));
      }
      case 'rearm': {
        if (
          !flags.yes &&
          !(await confirmYes(`Re-arm trading in ${dataDir}? strategies may place orders again [y/N] `))
        )
          return print({ ok: false, message: 'not re-armed: not confirmed' });
        return print(await ask({ type: 'rearm' }));
      }
      case 'promote': {
        const name = strategy!;
        if (!flags.yes) {
          // Without `confirm` the engine only answers with its break-even gate; nothing is promoted yet.
          const gate = await ask({ type: 'promote', strategy: name });
          if (!gate.ok) return print(gate);
          process.stderr.write(`${gate.message}\n`);
          const typed = await prompt(`type the strategy name (${name}) to confirm promotion to LIVE: `);
          if (typed !== name) return print({ ok: false, message: `${name} not promoted: not confirmed` });
        }
        return print(await ask({ type: 'promote', strategy: name, confirm: name }));
      }
    }
  } finally {
    await client.close();
  }
}

function isVerb(word: string): word is Verb {
  return (VERBS as readonly string[]).includes(word);
}

function say(line: string): void {
  process.stdout.write(line + '\n');
}

async function answer(client: RemoteEngineClient, command: Command): Promise<CommandResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`the engine did not answer ${command.type} within ${ANSWER_TIMEOUT_MS / 1000} s`)),
      ANSWER_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([client.send(command), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

async function confirmYes(question: string): Promise<boolean> {
  return /^y(es)?$/i.test(await prompt(question));
}
