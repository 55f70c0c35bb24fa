"""Runs a notebook's code cells in order with one kernel and prints one JSON line per event on stdout, so that the
Node side (src/notebooks/execute.ts) can show progress per cell. The executed notebook is written even when a cell
fails or times out (execution stops at that cell, as papermill does), then optionally signed as trusted. SIGTERM
(the render was cancelled) shuts the kernel down and exits without writing anything.

usage: run-cells.py IN.ipynb OUT.ipynb --kernel NAME --timeout SEC --cwd DIR [--trust]
"""
import argparse
import json
import re
import signal
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class Interrupted(BaseException):
    """SIGTERM from the Node side: the render was cancelled or ran past its job's timeout. A BaseException, so that
    nbclient's own error handling does not take it for a failing cell."""


def on_sigterm(signum, frame):
    raise Interrupted()


ERROR_LINE = re.compile(r"^(\w*(?:Error|Exception)\w*)(?::\s*(.*))?$")


def first_error(cell):
    """(name, message) of the cell's error. tslab reports an exception as "<Error>" with an empty value and prints the
    JavaScript error to stderr, and a type error only to stderr; the message is taken from there."""
    outputs = cell.get("outputs", [])
    for out in outputs:
        if out.get("output_type") == "error" and out.get("evalue"):
            return out.get("ename", "Error"), out.get("evalue", "")
    lines = [l.strip() for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr" for l in "".join(o.get("text", "")).splitlines()]
    lines = [l for l in lines if l]
    for line in lines:
        m = ERROR_LINE.match(line)
        if m:
            return m.group(1), m.group(2) or ""
    return ("Error", lines[0]) if lines else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("target")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--cwd", default=".")
    ap.add_argument("--trust", action="store_true")
    a = ap.parse_args()

    signal.signal(signal.SIGTERM, on_sigterm)
    nb = nbformat.read(a.source, as_version=4)
    # A busy machine can take more than nbclient's default minute to start the kernel (seen in CI beside a Kafka cluster).
    client = NotebookClient(nb, timeout=a.timeout, startup_timeout=180, kernel_name=a.kernel, allow_errors=False, resources={"metadata": {"path": a.cwd}})
    failed = False
    client.km = client.create_kernel_manager()
    try:
        t0 = time.time()
        client.start_new_kernel()
        # Its process group (the kernel starts a session of its own): the Node side kills it if this runner cannot.
        emit(event="spawned", pid=getattr(client.km.provisioner, "pid", None))
        client.start_new_kernel_client()
        emit(event="kernel", seconds=round(time.time() - t0, 3))
        failed = run_cells(client, nb, a.timeout)
    except (Interrupted, KeyboardInterrupt):
        # No graceful shutdown request: a kernel busy in a cell takes seconds to answer it, and the caller is waiting.
        client.shutdown_kernel = "immediate"
        stop_kernel(client)
        emit(event="interrupted")
        return 130
    except Exception as e:  # the kernel did not start, or died between cells
        emit(event="fatal", message=f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
        failed = True
    stop_kernel(client)
    nbformat.write(nb, a.target)
    if a.trust:
        from nbformat.sign import NotebookNotary

        NotebookNotary().sign(nb)
    emit(event="written", path=a.target, failed=failed)
    return 1 if failed else 0


def stop_kernel(client):
    """Kills the kernel's process group (nbclient's own clean-up, as its setup_kernel() does on leaving)."""
    try:
        if client.km is not None and client.km.has_kernel:
            client._cleanup_kernel()
    except Exception as e:  # said, not raised: the notebook is still written, and the Node side kills the group
        emit(event="fatal", message=f"the kernel did not shut down: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")


def run_cells(client, nb, timeout):
    """Runs the code cells in order; True when one failed (execution stops there)."""
    executed = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        emit(event="start", index=index)
        t = time.time()
        executed += 1
        try:
            # The prompt number (In [n]) is ours to give: tslab does not send one.
            client.execute_cell(cell, index, execution_count=executed)
        except CellTimeoutError:
            emit(event="error", index=index, ename="Timeout", evalue=f"the cell ran longer than {timeout} s", seconds=round(time.time() - t, 3))
            return True
        except DeadKernelError as e:
            emit(event="error", index=index, ename="DeadKernel", evalue=str(e).split("\n")[0], seconds=round(time.time() - t, 3))
            return True
        except CellExecutionError as e:
            ename, evalue = first_error(cell) or (e.ename, e.evalue)
            emit(event="error", index=index, ename=ename, evalue=evalue, seconds=round(time.time() - t, 3))
            return True
        emit(event="done", index=index, seconds=round(time.time() - t, 3))
    return False


if __name__ == "__main__":
    sys.exit(main())
