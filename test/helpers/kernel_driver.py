"""Runs cells in one trainlab kernel and returns every message each produced, for the
kernel's protocol tests.

stdin: JSON {"steps": [{"code": "...", "interrupt_after": s, "interrupts": n, "queue": bool}], "timeout": s}
  interrupt_after: send SIGINT (the stop button) that many seconds into the step;
  interrupts: how many, 1.5 s apart (default 1);
  queue: send this step without waiting for the previous one (as Run All does);
  restart: "graceful" (the front end's Restart: a shutdown request, then a kill if needed)
    or "now" (kill at once) before the step, as a person restarting the kernel does.
argv[1]: where to write JSON [{"reply": {...}, "outputs": [{"msg_type": ..., "content": {...}}], "seconds": s}, ...]
The kernel is chosen through JUPYTER_PATH; the working directory is the kernel's.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel


def collect(kc, msg_id, deadline, km=None, interrupt_at=(), started=0.0):
    outputs, pending = [], list(interrupt_at)
    while time.time() < deadline:
        if pending and km is not None and time.time() - started >= pending[0]:
            km.interrupt_kernel()
            pending.pop(0)
        try:
            msg = kc.get_iopub_msg(timeout=0.1)
        except Exception:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status":
            if msg["content"]["execution_state"] == "idle":
                return outputs
            continue
        outputs.append({"msg_type": msg["msg_type"], "content": msg["content"]})
    raise TimeoutError(f"no idle status for {msg_id}")


def reply_for(kc, msg_id, deadline):
    while time.time() < deadline:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]
    raise TimeoutError(f"no reply for {msg_id}")


def main():
    spec = json.load(sys.stdin)
    timeout = spec.get("timeout", 300)
    km, kc = start_new_kernel(kernel_name="trainlab", startup_timeout=120)
    results = []
    try:
        steps = spec["steps"]
        i = 0
        while i < len(steps):
            # A run of queued steps is sent at once, then collected in order.
            group = [steps[i]]
            while i + len(group) < len(steps) and steps[i + len(group)].get("queue"):
                group.append(steps[i + len(group)])
            if group[0].get("restart"):
                km.restart_kernel(now=group[0]["restart"] == "now")
                kc.wait_for_ready(timeout=120)
            started = time.time()
            ids = [kc.execute(s["code"], stop_on_error=s.get("stop_on_error", True)) for s in group]
            for step, msg_id in zip(group, ids):
                deadline = time.time() + timeout
                after = step.get("interrupt_after")
                at = [] if after is None else [after + 1.5 * k for k in range(step.get("interrupts", 1))]
                outputs = collect(kc, msg_id, deadline, km, at, started)
                reply = reply_for(kc, msg_id, deadline)
                results.append({"reply": reply, "outputs": outputs, "seconds": time.time() - started})
            i += len(group)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    with open(sys.argv[1], "w") as out:
        json.dump(results, out)


if __name__ == "__main__":
    main()
