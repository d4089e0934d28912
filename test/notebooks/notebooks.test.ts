// Every notebook in notebooks/ runs headless with its CI parameters
// (metadata.p4lab.ci_params) and no cell fails; a failing notebook's error
// names the cell, its source line and the error, without kernel noise.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { P4labError } from '../../kernel-lib/errors.js';
import { readNotebookMeta, runNotebook } from '../../kernel-lib/notebooks/runner.js';
import { readManifest } from '../../kernel-lib/reports/manifest.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NOTEBOOKS = path.join(ROOT, 'notebooks');
const missing =
  process.getuid?.() !== 0 ? 'the notebooks build networks, which needs root'
  : !existsSync('/usr/local/share/jupyter/kernels/tslab/kernel.json') ? 'the tslab Jupyter kernel is not installed (npm run setup)'
  : null;
const tmp = mkdtempSync(path.join(tmpdir(), 'p4lab-nbtest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const notebooks = readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort();

function notebook(name: string, cells: string[]): string {
  const file = path.join(tmp, name);
  writeFileSync(file, JSON.stringify({
    cells: cells.map((source, i) => ({ cell_type: i % 2 ? 'markdown' : 'code', id: `c${i}`, metadata: {}, source, ...(i % 2 ? {} : { outputs: [], execution_count: null }) })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  }));
  return file;
}

async function failure(file: string, params: Record<string, string> = {}): Promise<string> {
  const err = await runNotebook(file, { params, output: `${file}.out.ipynb`, timeout_s: 120 }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(P4labError);
  return (err as P4labError).message;
}

describe.skipIf(missing)(`notebooks in notebooks/ run with their CI settings${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('finds the notebooks', () => {
    expect(notebooks).toContain('01-quickstart.ipynb');
  });

  for (const nb of notebooks) {
    it(nb, async () => {
      const file = path.join(NOTEBOOKS, nb);
      const reportDir = path.join(tmp, nb.replace(/\.ipynb$/, ''));
      const cells: number[] = [];
      const r = await runNotebook(file, { params: readNotebookMeta(file).ci_params, reportDir, timeout_s: 600, onCell: (i) => cells.push(i) });
      expect(cells).toEqual(Array.from({ length: r.codeCells }, (_, i) => i + 1));
      expect(existsSync(r.output)).toBe(true);
      if (existsSync(path.join(reportDir, 'manifest.json'))) readManifest(reportDir); // a report it wrote is valid
    }, 900_000);
  }
});

describe.skipIf(missing)(`a failing notebook${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('names the cell, the source line and the error of a runtime failure', async () => {
    const msg = await failure(notebook('throws.ipynb', ['const a = 1;', 'Some prose.', "const b = a + 1;\nif (b === 2) throw new Error('the switch said no');\nconsole.log('unreached');"]));
    expect(msg).toContain('cell 2 of 2 failed (the notebook\'s cell 3)');
    expect(msg).toContain("2 | if (b === 2) throw new Error('the switch said no');");
    expect(msg).toContain('Error: the switch said no');
    expect(msg).not.toMatch(/Traceback|nbclient|evalmachine|\n\s+at /);
  });

  it('names the line of a type error', async () => {
    const msg = await failure(notebook('types.ipynb', ["const rate: number = 'fast';"]));
    expect(msg).toContain('cell 1 of 1 failed');
    expect(msg).toContain("1 | const rate: number = 'fast';");
    expect(msg).toContain("Type 'string' is not assignable to type 'number'.");
  });

  it('rejects a parameter the notebook does not take', async () => {
    const lib = path.join(ROOT, 'dist/kernel-lib/index.js');
    const msg = await failure(notebook('params.ipynb', [`import { notebookParams } from '${lib}';\nconst p = notebookParams({ rate_pps: 10 });`]), { rate: '5' });
    expect(msg).toContain('unknown notebook parameter "rate"');
    expect(msg).toContain('this notebook takes: rate_pps');
  });
});
