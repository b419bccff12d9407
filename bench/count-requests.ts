// Preloaded with `node --import <this file>` into a process under measurement: counts the HTTP
// requests undici creates (any undici copy: diagnostics channels are process-wide) and writes
// the count to the file named by BENCH_REQUEST_COUNT_FILE when the process exits. Costs one
// counter increment per request; changes nothing else.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_REQUEST_COUNT_FILE;
let requests = 0;
subscribe('undici:request:create', () => {
  requests++;
});
if (file) {
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ requests }));
  });
}
