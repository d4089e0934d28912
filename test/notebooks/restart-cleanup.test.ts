// Cleanup after a kernel restart: a network whose starting process died is
// removed (and said so) when a notebook starts it again; one whose process
// still lives is refused; a headless run removes what its notebook left running.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupNetwork, findLeftovers } from '../../kernel-lib/emulation/index.js';
import { P4labError } from '../../kernel-lib/errors.js';
import { cleanupAfterRestart } from '../../kernel-lib/notebooks/restart-cleanup.js';
import { runNotebook } from '../../kernel-lib/notebooks/runner.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LIB = path.join(ROOT, 'dist/kernel-lib/index.js');
const RESTART = 'nbtest-restart';
const LEFT = 'nbtest-left';
const missing = process.getuid?.() !== 0 ? 'network namespaces need root' : !existsSync(LIB) ? 'p4lab is not built (npm run build)' : null;
const tmp = mkdtempSync(path.join(tmpdir(), 'p4lab-nbrestart-'));

afterAll(async () => {
  if (!missing) for (const n of [RESTART, LEFT]) await cleanupNetwork(n);
  rmSync(tmp, { recursive: true, force: true });
});

const empty = async (name: string) => {
  const l = await findLeftovers(name);
  return !l.runDir && l.namespaces.length === 0 && l.processes.length === 0 && l.interfaces.length === 0;
};

describe.skipIf(missing)(`cleanup of networks a kernel left${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('refuses while the owner lives, cleans once it is gone, and says what it removed', async () => {
    // A stand-in for a kernel: starts a network and waits until killed.
    const script = `import { Network } from '${LIB}';
const net = new Network({ name: '${RESTART}' });
net.addHost('h1'); net.addHost('h2'); await net.addLink('h1', 'h2');
await net.start();
console.log('started');
setInterval(() => {}, 1000);`;
    const kernel = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const gone = new Promise((resolve) => kernel.once('exit', resolve));
    for await (const line of createInterface({ input: kernel.stdout })) if (line === 'started') break;

    const refused = await cleanupAfterRestart(RESTART).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(P4labError);
    expect((refused as P4labError).message).toContain(`started by process ${kernel.pid}, which is still alive`);
    expect(await empty(RESTART)).toBe(false);

    kernel.kill('SIGKILL');
    await gone;
    const said = await cleanupAfterRestart(RESTART);
    expect(said).toContain(`cleaned up network ${RESTART} (its kernel (pid ${kernel.pid}) is gone)`);
    expect(said).toContain(`p4lab.${RESTART}.h1`);
    expect(await empty(RESTART)).toBe(true);
    expect(await cleanupAfterRestart(RESTART)).toBeUndefined();
  });

  it('removes a network a failed headless run left running', async () => {
    const nb = path.join(tmp, 'leaves.ipynb');
    const code = (source: string, id: string) => ({ cell_type: 'code', id, metadata: {}, outputs: [], execution_count: null, source });
    writeFileSync(nb, JSON.stringify({
      cells: [
        code(`import { Network } from '${LIB}';\nconst net = new Network({ name: '${LEFT}' });\nnet.addHost('h1');\nawait net.start();`, 'a'),
        code("throw new Error('stopped halfway')", 'b'),
      ],
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
      nbformat: 4,
      nbformat_minor: 5,
    }));
    const said: string[] = [];
    const err = await runNotebook(nb, { output: path.join(tmp, 'out.ipynb'), timeout_s: 120, onCleanup: (m) => said.push(m) }).then(() => undefined, (e: unknown) => e);
    expect((err as P4labError).message).toContain('Error: stopped halfway');
    expect(said).toEqual([expect.stringContaining(`cleaned up network ${LEFT}, left running by the notebook`)]);
    expect(await empty(LEFT)).toBe(true);
  });
});
