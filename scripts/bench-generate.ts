/**
 * pnpm bench:generate [--sizes 100,200,500,1000] [--runs 3] [--json] [--keep DIR] [--no-platform] [--no-init] [--cli PATH]
 *
 * How long `kada-gen generate --strict` takes, in a new process each time, on the platform's specs
 * and on synthetic sets of 100, 200, 500 and 1,000 events (scripts/bench-generate/synthetic.ts:
 * ten events per service, each received by the next service). Every case runs in a project folder
 * of its own under a temporary directory (its own node_modules/.cache/kada-gen), with the CLI
 * started as `node generator/src/cli.ts` (pnpm's own start-up is not counted):
 *
 *   cold    empty cache, as in a fresh clone: the platform case copies specs/ and the committed
 *           generated/ (so the run compares and writes nothing, like `pnpm generate` there); a
 *           synthetic case writes its generated/ for the first time. The OS file cache is warm.
 *   warm    the same command again, nothing changed, the cache left by the previous runs.
 *   edited  one document's text changed (a comment appended to the first service's document),
 *           then the command again: that document, and those that $ref it, are validated anew.
 *
 * Each figure is the median of --runs runs (the cold run is repeated with the cache removed):
 * wall ms (what a person waits), CPU ms (user + system of the kada-gen process; steadier than
 * wall on a shared machine) and peak RSS (MB). Also `kada-gen init` and `kada-gen --help`, which
 * need none of the generation machinery. --json prints one JSON object; otherwise a table.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EVENTS_PER_SERVICE, serviceId, writeSyntheticSpecs } from './bench-generate/synthetic.ts';

const root = join(dirname(new URL(import.meta.url).pathname), '..');

const STATS = join(root, 'scripts/bench-generate/stats.ts');

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SIZES = (option('--sizes') ?? '100,200,500,1000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const RUNS = Math.max(1, Number(option('--runs') ?? 3));
const JSON_OUTPUT = args.includes('--json');
const keep = option('--keep');
// --cli PATH: another checkout's generator/src/cli.ts, to measure a before and an after.
const CLI = option('--cli') ?? join(root, 'generator/src/cli.ts');
const base = keep ?? mkdtempSync(join(tmpdir(), 'kada-bench-generate-'));

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
}

function say(line: string): void {
  if (!JSON_OUTPUT) process.stderr.write(`${line}\n`);
}

/** One kada-gen process in `cwd`; fails loudly when the command does. */
function runCli(cwd: string, cliArgs: string[]): Sample {
  const statsFile = join(cwd, '.bench-stats.json');
  rmSync(statsFile, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', STATS, CLI, ...cliArgs], {
    cwd,
    env: { ...process.env, KADA_BENCH_STATS: statsFile },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Math.round(performance.now() - t0);
  if (r.status !== 0) {
    throw new Error(
      `kada-gen ${cliArgs.join(' ')} in ${cwd} exited ${r.status}:\n${r.stderr.slice(0, 4000)}`,
    );
  }
  const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as { maxRssKb: number; cpuMs: number };
  return { wallMs, cpuMs: stats.cpuMs, maxRssMb: Math.round(stats.maxRssKb / 1024) };
}

function median(samples: Sample[]): Sample {
  const pick = (f: (s: Sample) => number): number => {
    const v = samples.map(f).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)] as number;
  };
  return { wallMs: pick((s) => s.wallMs), cpuMs: pick((s) => s.cpuMs), maxRssMb: pick((s) => s.maxRssMb) };
}

interface CaseResult {
  readonly name: string;
  readonly events: number;
  readonly documents: number;
  readonly cold: Sample;
  readonly warm: Sample;
  readonly edited: Sample;
}

const GENERATE = ['generate', '--strict'];

function measure(name: string, dir: string, events: number, documents: number, edit: string): CaseResult {
  const cache = join(dir, 'node_modules');
  const colds: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    rmSync(cache, { recursive: true, force: true });
    colds.push(runCli(dir, GENERATE));
  }
  const warms: Sample[] = [];
  for (let i = 0; i < RUNS; i++) warms.push(runCli(dir, GENERATE));
  const edits: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    appendFileSync(edit, `# edited by bench:generate, run ${i}\n`);
    edits.push(runCli(dir, GENERATE));
  }
  const r = { name, events, documents, cold: median(colds), warm: median(warms), edited: median(edits) };
  say(
    `${name}: cold ${r.cold.wallMs} ms (cpu ${r.cold.cpuMs}, ${r.cold.maxRssMb} MB), warm ${r.warm.wallMs} ms (cpu ${r.warm.cpuMs}, ${r.warm.maxRssMb} MB), edited ${r.edited.wallMs} ms`,
  );
  return r;
}

const results: CaseResult[] = [];
const extra: Record<string, Sample> = {};

if (!args.includes('--no-platform')) {
  // A fresh clone has specs/ and the committed generated/ but no cache.
  const dir = join(base, 'platform');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'specs'), join(dir, 'specs'), { recursive: true });
  cpSync(join(root, 'generated'), join(dir, 'generated'), {
    recursive: true,
    filter: (p) => !p.includes('node_modules'),
  });
  const documents = spawnSync('sh', ['-c', 'ls specs/asyncapi/*.yaml | wc -l'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const lock = JSON.parse(readFileSync(join(dir, 'generated/contracts.lock.json'), 'utf8')) as {
    events?: Record<string, unknown> | unknown[];
  };
  const events = lock.events ? Object.keys(lock.events).length : 0;
  results.push(
    measure('platform', dir, events, Number(documents.stdout.trim()), join(dir, 'specs/asyncapi/order.yaml')),
  );
}

for (const size of SIZES) {
  const services = Math.ceil(size / EVENTS_PER_SERVICE);
  const dir = join(base, `synthetic-${size}`);
  rmSync(dir, { recursive: true, force: true });
  const events = writeSyntheticSpecs(join(dir, 'specs'), { services });
  results.push(
    measure(
      `synthetic-${events}`,
      dir,
      events,
      services,
      join(dir, 'specs/asyncapi', `${serviceId(0)}.yaml`),
    ),
  );
}

if (!args.includes('--no-init')) {
  const dir = join(base, 'init');
  mkdirSync(dir, { recursive: true });
  const inits: Sample[] = [];
  const helps: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    rmSync(join(dir, 'demo-service'), { recursive: true, force: true });
    inits.push(runCli(dir, ['init', 'demo-service']));
    helps.push(runCli(dir, ['--help']));
  }
  extra.init = median(inits);
  extra.help = median(helps);
  say(`init: ${extra.init.wallMs} ms (cpu ${extra.init.cpuMs}), --help: ${extra.help.wallMs} ms`);
}

// Growth from the smallest to the largest synthetic set, per event (1.0 = linear).
const synthetic = results.filter((r) => r.name.startsWith('synthetic-'));
const first = synthetic[0];
const last = synthetic[synthetic.length - 1];
const growth =
  first && last && last !== first
    ? {
        from: first.events,
        to: last.events,
        eventsRatio: last.events / first.events,
        coldCpuRatio: Number((last.cold.cpuMs / first.cold.cpuMs).toFixed(2)),
        warmCpuRatio: Number((last.warm.cpuMs / first.warm.cpuMs).toFixed(2)),
        coldRssRatio: Number((last.cold.maxRssMb / first.cold.maxRssMb).toFixed(2)),
      }
    : null;

const report = { node: process.version, runs: RUNS, cases: results, ...extra, growth };
if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify(report)}\n`);
else {
  const row = (cells: (string | number)[]) =>
    cells.map((c, i) => String(c).padStart(i === 0 ? 16 : 9)).join(' ');
  const lines = [
    row([
      'case',
      'events',
      'docs',
      'cold ms',
      'cold cpu',
      'cold MB',
      'warm ms',
      'warm cpu',
      'warm MB',
      'edit ms',
      'edit cpu',
    ]),
    ...results.map((r) =>
      row([
        r.name,
        r.events,
        r.documents,
        r.cold.wallMs,
        r.cold.cpuMs,
        r.cold.maxRssMb,
        r.warm.wallMs,
        r.warm.cpuMs,
        r.warm.maxRssMb,
        r.edited.wallMs,
        r.edited.cpuMs,
      ]),
    ),
  ];
  if (extra.init) lines.push(row(['init', '', '', extra.init.wallMs, extra.init.cpuMs, extra.init.maxRssMb]));
  if (extra.help)
    lines.push(row(['--help', '', '', extra.help.wallMs, extra.help.cpuMs, extra.help.maxRssMb]));
  if (growth) {
    lines.push(
      `growth ${growth.from} -> ${growth.to} events (x${growth.eventsRatio}): cold cpu x${growth.coldCpuRatio}, warm cpu x${growth.warmCpuRatio}, cold peak RSS x${growth.coldRssRatio}`,
    );
  }
  lines.push(
    `(median of ${RUNS} runs; ms = wall, cpu = user+system ms of the kada-gen process; node ${process.version})`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
if (!keep) rmSync(base, { recursive: true, force: true });
