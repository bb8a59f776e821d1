import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const signals = fileURLToPath(new URL('../src/signals.ts', import.meta.url));

/** A process that installs exitOnSignal, says "ready", and waits; its shutdown prints and succeeds or fails. */
function child(shutdown: 'ok' | 'fail' | 'uninstalled') {
  const script = `
    import { exitOnSignal } from ${JSON.stringify(signals)};
    import { pino } from 'pino';
    const uninstall = exitOnSignal(pino({ level: 'silent' }), async () => {
      console.log('shutdown ran');
      if (${JSON.stringify(shutdown)} === 'fail') throw new Error('could not close');
    });
    if (${JSON.stringify(shutdown)} === 'uninstalled') uninstall();
    console.log('ready');
    setInterval(() => {}, 1000);
  `;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const ready = new Promise<void>((resolve) =>
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready')) resolve();
    }),
  );
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, ready, exit, output: () => out };
}

describe('exitOnSignal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('runs the shutdown on %s and exits 0', async (signal) => {
    const c = child('ok');
    await c.ready;
    c.proc.kill(signal);
    expect(await c.exit).toEqual({ code: 0, signal: null });
    expect(c.output()).toContain('shutdown ran');
  });

  it('exits 1 when the shutdown fails', async () => {
    const c = child('fail');
    await c.ready;
    c.proc.kill('SIGTERM');
    expect(await c.exit).toEqual({ code: 1, signal: null });
  });

  it('leaves the signal alone once uninstalled (the default action ends the process)', async () => {
    const c = child('uninstalled');
    await c.ready;
    c.proc.kill('SIGTERM');
    expect(await c.exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(c.output()).not.toContain('shutdown ran');
  });
});
