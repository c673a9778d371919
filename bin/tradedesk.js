#!/usr/bin/env node
// Load the TypeScript sources through tsx, then hand over to the command line.
import { register } from 'tsx/esm/api';

register();
await import('./tradedesk.ts');
