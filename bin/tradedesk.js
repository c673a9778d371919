#!/usr/bin/env node
// Run the bundled sources (rebuilt only when a source changed): no TypeScript loader at run time.
import { freshBundle } from './bundle.js';

// React's development build records every render in the performance timeline: unbounded memory over a day.
process.env.NODE_ENV ??= 'production';

let entry;
try {
  entry = await freshBundle();
} catch (e) {
  process.stderr.write(`tradedesk: could not build the sources: ${e.message}\n`);
  process.exit(1);
}
process.argv[1] = entry.pathname;
await import(entry.href);
