"""Executes a notebook with nbclient (nbconvert's executor) and reports on
stdout, one JSON object per line: the code cells to run, each cell as it
starts, and the first failing cell (index, source, error text). The caller
(kernel-lib/notebooks/runner.ts) turns these into progress and messages.

usage: execute_notebook.py IN.ipynb OUT.ipynb TIMEOUT_S KERNEL
"""
import json
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def emit(**event):
    print(json.dumps(event), flush=True)


def error_text(cell):
    """What the kernel said about the failure: error outputs, else stderr (tslab prints type errors there)."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        e = errors[-1]
        return e.get("ename", ""), e.get("evalue", ""), "\n".join(e.get("traceback", []))
    stderr = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr")
    return "", stderr.strip(), ""


def main():
    src, dst, timeout, kernel = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    nb = nbformat.read(src, as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    emit(event="plan", cells=len(code), total=len(nb.cells))
    position = {index: n + 1 for n, index in enumerate(code)}
    current = {"index": None}

    def on_start(cell, cell_index, **_):
        current["index"] = cell_index
        if cell_index in position:
            emit(event="cell", index=cell_index, code_cell=position[cell_index])

    def on_notebook_start(**_):
        # The kernel's pid: networks it started and left behind carry it (runner.ts cleans them).
        pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
        if pid:
            emit(event="kernel", pid=pid)

    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel, resources={"metadata": {"path": os.path.dirname(src)}},
                            on_cell_start=on_start, on_notebook_start=on_notebook_start)
    status = 0
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        index = current["index"]
        cell = nb.cells[index] if index is not None else {}
        ename, evalue, traceback = error_text(cell) if index is not None else ("", "", "")
        if isinstance(exc, CellTimeoutError):
            ename, evalue = "Timeout", f"the cell ran longer than {timeout} s"
        elif isinstance(exc, DeadKernelError):
            ename, evalue = "DeadKernel", "the kernel died while running the cell"
        emit(event="error", index=index, code_cell=position.get(index), source=cell.get("source", ""),
             ename=ename, evalue=evalue, traceback=traceback)
        status = 1
    finally:
        nbformat.write(nb, dst)
    emit(event="done", ok=status == 0)
    sys.exit(status)


if __name__ == "__main__":
    main()
