// Preloaded with `node --import <this file>` into a process under measurement: when the process
// exits, writes its peak resident set size (getrusage ru_maxrss, KiB) to the file named by
// BENCH_PEAK_RSS_FILE. Exact, unlike polling /proc from outside; costs nothing until exit.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
  });
}
