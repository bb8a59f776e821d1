// Preloaded (--import) into the kada-gen process the benchmark starts: on exit, writes that
// process's peak RSS and CPU time to the file named by KADA_BENCH_STATS.
import { writeFileSync } from 'node:fs';

const target = process.env.KADA_BENCH_STATS;
if (target) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({ maxRssKb: u.maxRSS, cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000) }),
    );
  });
}
