// Writes dataframes to CSV or Arrow IPC files.
import { writeFile } from 'node:fs/promises';
import { toArrowIPC, toCSV } from 'arquero';
import type { ColumnTable } from 'arquero';

export async function writeCsv(table: ColumnTable, path: string): Promise<void> {
  await writeFile(path, toCSV(table));
}

/** Arrow IPC file format (readable by pandas/pyarrow, polars, DuckDB). */
export async function writeArrow(table: ColumnTable, path: string): Promise<void> {
  await writeFile(path, toArrowIPC(table, { format: 'file' }));
}
