"""PyTorch CPU side of `npm run bench`: the same workloads as bench/workloads.ts.

Speaks JSON lines on stdin/stdout so the bench can interleave its runs with the tfjs ones:
  {"cmd": "prepare", "workload": "mlp", "threads": 2, "seconds": 2} -> {"batches": n, "batchSize": b}
  {"cmd": "run", "workload": "mlp", "threads": 2}                   -> {"wall": s, "cpu": s, "samples": n}
  {"cmd": "close", "workload": "mlp", "threads": 2}                 -> {}
Each (workload, threads) pair has its own model and data.
Replies {"error": "..."} when a command fails. Prints {"ready": true, "torch": version} first.
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")  # torch works without numpy here
import torch  # noqa: E402
from torch import nn  # noqa: E402


def mlp():
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    # tfjs's Adam defaults: beta1 0.9, beta2 0.999, epsilon 1e-7.
    return model, torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7), 128, lambda n: torch.randn(n, 784), 10


def cnn():
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25), nn.BatchNorm2d(16),
        nn.Flatten(), nn.Linear(16 * 13 * 13, 10),
    )
    # tfjs's RMSprop defaults: decay (alpha) 0.9, epsilon 1e-7, no momentum.
    return model, torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7), 64, lambda n: torch.rand(n, 1, 28, 28), 10


def mlp2d():
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2))
    return model, torch.optim.Adam(model.parameters(), lr=1e-2, eps=1e-7), 32, lambda n: torch.rand(n, 2) * 2 - 0.5, 2


WORKLOADS = {"mlp": mlp, "cnn": cnn, "mlp2d": mlp2d}


class Prepared:
    def __init__(self, workload):
        self.model, self.optimizer, self.batch_size, self.inputs, self.classes = WORKLOADS[workload]()
        self.loss = nn.CrossEntropyLoss()  # softmax + categorical cross-entropy on one-hot labels
        self.x = self.y = None

    def data(self, batches):
        n = batches * self.batch_size
        self.x = self.inputs(n)
        self.y = nn.functional.one_hot(torch.randint(0, self.classes, (n,)), self.classes).float()

    def epoch(self):
        """One pass over the data in order, as model.fit(x, y, {shuffle: false, epochs: 1})."""
        self.model.train()
        b = self.batch_size
        for start in range(0, self.x.shape[0], b):
            self.optimizer.zero_grad(set_to_none=True)
            loss = self.loss(self.model(self.x[start:start + b]), self.y[start:start + b])
            loss.backward()
            self.optimizer.step()

    def timed(self):
        cpu, wall = time.process_time(), time.perf_counter()
        self.epoch()
        return time.perf_counter() - wall, time.process_time() - cpu


def main():
    torch.manual_seed(0)
    prepared = {}
    print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        try:
            msg = json.loads(line)
            cmd = msg["cmd"]
            key = (msg.get("workload"), int(msg.get("threads", 1)))
            if cmd == "prepare":
                torch.set_num_threads(key[1])
                p = Prepared(msg["workload"])
                p.data(2)
                warm = min(p.timed()[0] for _ in range(3))
                batches = max(2, min(400, round(float(msg["seconds"]) / warm * 2)))
                p.data(batches)
                prepared[key] = p
                reply = {"batches": batches, "batchSize": p.batch_size}
            elif cmd == "run":
                torch.set_num_threads(key[1])
                p = prepared[key]
                wall, cpu = p.timed()
                reply = {"wall": wall, "cpu": cpu, "samples": p.x.shape[0]}
            elif cmd == "close":
                prepared.pop(key, None)
                reply = {}
            else:
                reply = {"error": f"unknown command {cmd!r}"}
        except Exception as error:  # reported to the bench, which records the workload as failed
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
