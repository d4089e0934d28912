// Cell progress of a notebook run on the terminal: a redrawn bar on a TTY,
// one line per cell otherwise (CI logs).
export function cellProgress(label: string): { onCell: (i: number, n: number) => void; done: () => void } {
  const tty = process.stderr.isTTY;
  let drawn = false;
  return {
    onCell(i, n) {
      if (!tty) {
        process.stderr.write(`${label}: cell ${i} of ${n}\n`);
        return;
      }
      const width = 24;
      const full = Math.round(((i - 1) / Math.max(n, 1)) * width);
      process.stderr.write(`\r${label} [${'#'.repeat(full)}${'-'.repeat(width - full)}] cell ${i} of ${n} `);
      drawn = true;
    },
    done() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}
