"""PyTorch peer for `npm run bench` (bench/pytorch.ts starts it as a child process).

Rebuilds the two shipped architectures in torch, copies the weights from our TensorFlow.js model files (NHWC → NCHW,
the dense layer after Flatten re-ordered from (h, w, c) to (c, h, w) rows), runs one thread, and answers timing
requests, one JSON object per line on stdin → one per line on stdout:
  {"cmd": "logits", "model": "cnn"}                  → {"logits": [...]} for the bench's single input (parity check)
  {"cmd": "time", "case": "ig64-1", "model": "cnn", "n": 8, "clock": "cpu"} → {"ms": n calls took}
(clock "cpu": process CPU time, as the bench measures its own engines under load; "wall": perf_counter).
Inputs come from a float32 file the bench writes: x1 (784) | batch256 (256·784) | train (64·784) | labels (64).
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)


def read_model(folder):
    with open(f"{folder}/model.json") as f:
        mj = json.load(f)
    manifest = mj["weightsManifest"][0]
    raw = b"".join(open(f"{folder}/{p}", "rb").read() for p in manifest["paths"])
    out, off = {}, 0
    for w in manifest["weights"]:
        n = int(np.prod(w["shape"]))
        out[w["name"]] = torch.from_numpy(np.frombuffer(raw, np.float32, n, off).reshape(w["shape"]).copy())
        off += 4 * n
    return out


def dense(k, b):
    layer = nn.Linear(k.shape[0], k.shape[1])
    layer.weight.data.copy_(k.t())
    layer.bias.data.copy_(b)
    return layer


def conv(k, b):
    layer = nn.Conv2d(k.shape[2], k.shape[3], (k.shape[0], k.shape[1]), padding=1)
    layer.weight.data.copy_(k.permute(3, 2, 0, 1))
    layer.bias.data.copy_(b)
    return layer


class Mlp(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.l1 = dense(w["hidden1/kernel"], w["hidden1/bias"])
        self.l2 = dense(w["hidden2/kernel"], w["hidden2/bias"])
        self.l3 = dense(w["output/kernel"], w["output/bias"])

    def acts(self, x):
        x = x.reshape(x.shape[0], 784)
        z1 = self.l1(x); a1 = torch.tanh(z1)
        z2 = self.l2(a1); a2 = torch.tanh(z2)
        z3 = self.l3(a2)
        return [x, z1, a1, z2, a2, z3, torch.softmax(z3, 1)]

    def forward(self, x):
        return self.l3(torch.tanh(self.l2(torch.tanh(self.l1(x.reshape(x.shape[0], 784))))))


class Cnn(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.c1 = conv(w["conv1/kernel"], w["conv1/bias"])
        self.c2 = conv(w["conv2/kernel"], w["conv2/bias"])
        k = w["hidden/kernel"]  # rows in TF.js Flatten order (h, w, c) of a 7×7×32 map
        k = k.reshape(7, 7, 32, k.shape[1]).permute(2, 0, 1, 3).reshape(1568, k.shape[1])
        self.h = dense(k, w["hidden/bias"])
        self.o = dense(w["output/kernel"], w["output/bias"])

    def acts(self, x):
        x = x.reshape(x.shape[0], 1, 28, 28)
        z1 = self.c1(x); a1 = F.relu(z1); p1 = F.max_pool2d(a1, 2)
        z2 = self.c2(p1); a2 = F.relu(z2); p2 = F.max_pool2d(a2, 2)
        zh = self.h(p2.flatten(1)); ah = F.relu(zh)
        zo = self.o(ah)
        return [z1, a1, p1, z2, a2, p2, zh, ah, zo, torch.softmax(zo, 1)]

    def forward(self, x):
        x = x.reshape(x.shape[0], 1, 28, 28)
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.o(F.relu(self.h(x.flatten(1))))


def build(kind, w):
    return Mlp(w) if kind == "mlp" else Cnn(w)


def main():
    models_dir, inputs_file = sys.argv[1], sys.argv[2]
    data = np.fromfile(inputs_file, np.float32)
    x1 = torch.from_numpy(data[:784].copy()).reshape(1, 784)
    b256 = torch.from_numpy(data[784 : 784 * 257].copy()).reshape(256, 784)
    tx = torch.from_numpy(data[784 * 257 : 784 * 321].copy()).reshape(64, 784)
    ty = torch.from_numpy(data[784 * 321 : 784 * 321 + 64].copy()).long()
    weights = {k: read_model(f"{models_dir}/{k}") for k in ("mlp", "cnn")}
    infer = {}
    for k, w in weights.items():
        m = build(k, w)
        for p in m.parameters():
            p.requires_grad_(False)
        infer[k] = m.eval()
    trainers = {}

    def trainer(kind):
        if kind not in trainers:
            m = build(kind, weights[kind])
            trainers[kind] = (m, torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7))
        return trainers[kind]

    g = torch.Generator().manual_seed(1)
    gemm = (torch.rand(256, 784, generator=g), torch.rand(784, 128, generator=g), torch.rand(128, generator=g))
    cx = torch.rand(64, 16, 14, 14, generator=g)
    cw = torch.rand(32, 16, 3, 3, generator=g)
    cb = torch.rand(32, generator=g)
    cgy = torch.rand(64, 32, 14, 14, generator=g)
    c1w = torch.rand(16, 1, 3, 3, generator=g)
    c1gy = torch.rand(64, 16, 28, 28, generator=g)

    def case_fn(case, kind, target):
        m = infer.get(kind)
        if case == "forward-1":
            def f():
                with torch.no_grad():
                    return m(x1).numpy()
        elif case == "forward-1-acts":
            def f():
                with torch.no_grad():
                    return [a.numpy() for a in m.acts(x1)]
        elif case == "saliency-1":
            def f():
                x = x1.clone().requires_grad_(True)
                m(x)[0, target].backward()
                return x.grad.numpy()
        elif case == "ig64-1":
            alphas = ((torch.arange(64, dtype=torch.float32) + 0.5) / 64).reshape(64, 1)
            def f():
                x = (alphas * x1).requires_grad_(True)
                m(x)[:, target].sum().backward()
                return (x.grad.mean(0) * x1[0]).numpy()
        elif case == "batch256":
            def f():
                with torch.no_grad():
                    return m(b256).numpy()
        elif case == "train":
            tm, opt = trainer(kind)
            def f():
                opt.zero_grad()
                F.cross_entropy(tm(tx), ty).backward()
                opt.step()
        elif case == "gemm":
            x, w, b = gemm
            def f():
                return torch.addmm(b, x, w)
        elif case == "conv-fwd":
            def f():
                return F.conv2d(cx, cw, cb, padding=1)
        elif case == "conv-dgrad":
            def f():
                return torch.nn.grad.conv2d_input(cx.shape, cw, cgy, padding=1)
        elif case == "conv-wgrad":
            def f():
                return torch.nn.grad.conv2d_weight(cx, cw.shape, cgy, padding=1), cgy.sum((0, 2, 3))
        elif case == "conv-dgrad-c1":
            def f():
                return torch.nn.grad.conv2d_input((64, 1, 28, 28), c1w, c1gy, padding=1)
        else:
            raise ValueError(f"unknown case {case}")
        return f

    cache = {}
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if req["cmd"] == "logits":
                with torch.no_grad():
                    out = {"logits": infer[req["model"]](x1)[0].tolist()}
            else:
                key = (req["case"], req["model"], req.get("target", 0))
                if key not in cache:
                    cache[key] = case_fn(*key)
                f = cache[key]
                clock = time.perf_counter if req.get("clock") == "wall" else time.process_time
                t0 = clock()
                for _ in range(req["n"]):
                    f()
                out = {"ms": (clock() - t0) * 1000}
        except Exception as e:  # reported to the bench, which skips the row with the reason
            out = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
