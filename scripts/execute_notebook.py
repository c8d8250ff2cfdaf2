"""Executes one notebook with Jupyter's own client (nbclient) and exports it.

usage: execute_notebook.py NOTEBOOK OUT_IPYNB [OUT_HTML] [--kernel trainlab] [--timeout S]

Prints one progress line per cell as it runs. On a failing cell prints which notebook,
which cell and the error, writes the partly executed notebook, and exits 1.
Called by scripts/tutorials.js and the notebook tests; JUPYTER_PATH selects the kernel.
"""
import argparse
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def say(text):
    print(text, flush=True)


def first_line(source):
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:70]
    return "(empty)"


def cell_error_text(cell):
    """What the cell printed as its error: a traceback, or tslab's compile errors on stderr."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
            parts.extend(out.get("traceback", [])[-6:])
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
    return "\n".join(parts)


def export_html(nb, path):
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nb)
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("out_ipynb")
    parser.add_argument("out_html", nargs="?")
    parser.add_argument("--kernel", default="trainlab")
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    started = {}

    def on_cell_start(cell, cell_index):
        if cell_index not in code_cells:
            return
        started[cell_index] = time.time()
        n = code_cells.index(cell_index) + 1
        say(f"  [{n}/{len(code_cells)}] cell {cell_index}: {first_line(cell.source)}")

    def on_cell_executed(cell, cell_index, execute_reply):
        took = time.time() - started.get(cell_index, time.time())
        if took >= 2:
            say(f"        done in {took:.1f}s")

    import os

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    failure = None
    try:
        client.execute()
    except CellExecutionError as error:
        failure = error
    except (CellTimeoutError, DeadKernelError) as error:
        failure = error
    finally:
        nbformat.write(nb, args.out_ipynb)
    if failure is not None:
        index = next((i for i in started if i == max(started)), None) if started else None
        cell = nb.cells[index] if index is not None else None
        ename = getattr(failure, "ename", type(failure).__name__)
        evalue = getattr(failure, "evalue", str(failure).strip().splitlines()[-1] if str(failure).strip() else "")
        say("")
        say(f"FAILED: {args.notebook}, cell {index} ({first_line(cell.source) if cell else '?'})")
        say(f"  {ename}: {evalue}")
        shown = cell_error_text(cell) if cell is not None else ""
        if shown:
            say("  " + "\n  ".join(shown.strip().splitlines()[-15:]))
        say(f"  partly executed notebook written to {args.out_ipynb}")
        return 1
    if args.out_html:
        export_html(nb, args.out_html)
    return 0


if __name__ == "__main__":
    sys.exit(main())
