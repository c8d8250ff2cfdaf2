"""Drives one trainlab kernel through a list of steps, for tests that need what nbclient
cannot do (interrupting a running cell).

stdin: JSON [{"code": "...", "interrupt_after": seconds (optional)}, ...]
stdout: JSON [{"status": "ok"|"error"|..., "stdout": "...", "stderr": "...", "error": "...", "seconds": s}, ...]
The kernel is chosen through JUPYTER_PATH; the working directory is the kernel's.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel


def run_step(km, kc, step, timeout=300):
    # tslab aborts requests that arrive within 200 ms after a failed cell; a person is slower.
    time.sleep(0.5)
    started = time.time()
    msg_id = kc.execute(step["code"], stop_on_error=False)
    interrupted = False
    result = {"stdout": "", "stderr": "", "error": "", "status": None}
    deadline = started + timeout
    while time.time() < deadline:
        if not interrupted and "interrupt_after" in step and time.time() - started >= step["interrupt_after"]:
            km.interrupt_kernel()
            interrupted = True
        try:
            msg = kc.get_iopub_msg(timeout=0.2)
        except Exception:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            result[content["name"]] += content["text"]
        elif kind == "error":
            result["error"] += f"{content['ename']}: {content['evalue']}"
        elif kind == "status" and content["execution_state"] == "idle":
            break
    while True:
        reply = kc.get_shell_msg(timeout=30)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    result["status"] = reply["content"].get("status", "unknown")
    result["seconds"] = time.time() - started
    return result


def main():
    steps = json.load(sys.stdin)
    km, kc = start_new_kernel(kernel_name="trainlab", startup_timeout=120)
    try:
        results = [run_step(km, kc, step) for step in steps]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
