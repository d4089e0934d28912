// Turns what the tslab kernel printed for a failing cell into a short message:
// the cell's number, its source line, and the error (with a P4labError's
// fix), without the kernel's stack frames: they point into tslab and
// compiled code, not at what the user wrote.

export interface CellFailure {
  /** 1-based among the notebook's code cells. */
  codeCell: number;
  codeCells: number;
  /** 1-based among all cells (markdown included), as an editor counts them. */
  cell: number;
  source: string;
  ename: string;
  evalue: string;
}

const squash = (s: string) => s.trim().replace(/;$/, '').replace(/\s+/g, ' ');

export function describeCellFailure(f: CellFailure): string {
  const lines = f.source.split('\n');
  const quote = (n: number) => `  ${String(n).padStart(3)} | ${lines[n - 1] ?? ''}`;
  const head = `cell ${f.codeCell} of ${f.codeCells} failed (the notebook's cell ${f.cell})`;
  const text = f.evalue.trim();

  // tslab's type errors: "LINE:COL - message", lines of the cell itself.
  const typeErrors = [...text.matchAll(/^(\d+):(\d+) - (.+)$/gm)];
  if (typeErrors.length) return [head, ...typeErrors.flatMap((m) => [quote(Number(m[1])), `        ${m[3]}`])].join('\n');
  if (f.ename && !text.includes('\n')) return `${head}\n  ${f.ename}: ${text}`;

  // A runtime error as Node prints it: "<file>:<line>", the code line, a caret,
  // a blank line, the message, stack frames, then own properties ({ hint: … }).
  const rows = text.split('\n');
  const firstFrame = rows.findIndex((r) => /^\s+at /.test(r));
  const body = firstFrame < 0 ? rows : rows.slice(0, firstFrame);
  const blank = body.findIndex((r) => r.trim() === '');
  const echoed = blank >= 0 && /:\d+$/.test(body[0] ?? '') ? body[1] : undefined;
  const message = (echoed !== undefined ? body.slice(blank + 1) : body).filter((r) => r.trim() !== '');
  const hint = /^\s+hint: (['"`])(.*)\1,?$/m.exec(text)?.[2];

  // The user's line: the thrown line itself when it is in the cell, else the line calling the function that threw.
  let at = echoed !== undefined && /^evalmachine/.test(body[0] ?? '') ? lines.findIndex((l) => squash(l).includes(squash(echoed))) : -1;
  for (const frame of firstFrame < 0 ? [] : rows.slice(firstFrame)) {
    if (at >= 0) break;
    const fn = /^\s+at (?:async )?(?:\S+\.)?([A-Za-z_$][\w$]*) \(/.exec(frame)?.[1];
    if (fn) at = lines.findIndex((l) => l.includes(`${fn}(`));
  }
  return [head, ...(at >= 0 ? [quote(at + 1)] : []), ...message.map((m) => `  ${m}`), ...(hint ? [`  fix: ${hint.replace(/\\'/g, "'")}`] : [])].join('\n');
}
