"""Peer timing: the same standard generator (junyanz resnet_9blocks, ngf 64, instance norm)
in PyTorch, for docs/BENCHMARKS.md. Usage: python3 bench/torch_peer.py [cuda|cpu]
On CUDA it times float16 too (the network and input in half precision), the peer of our float16 variants."""
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "electron", "engine", "nets", "__tests__", "fixtures"))
from reference_nets import ResnetGenerator  # noqa: E402

device = sys.argv[1] if len(sys.argv) > 1 else "cpu"
# Same thread count as onnxruntime uses (all cores); Debian's torch defaults to one here.
torch.set_num_threads(os.cpu_count() or 1)
net = ResnetGenerator(3, 3, ngf=64, norm="instance", use_dropout=False, n_blocks=9).to(device)
net.train()  # per-image statistics, as the public test scripts run it
print(f"torch {torch.__version__}, device {device}, threads {torch.get_num_threads()}")
precisions = (("float32", torch.float32), ("float16", torch.float16)) if device == "cuda" else (("float32", torch.float32),)
with torch.no_grad():
  for label, dtype in precisions:
    net = net.to(dtype)
    for side, runs in ((256, 10), (1024, 5 if device == "cuda" else 2)):
        x = (torch.rand(1, 3, side, side, device=device) * 2 - 1).to(dtype)
        net(x)
        times = []
        for _ in range(runs):
            if device == "cuda":
                torch.cuda.synchronize()
            t = time.perf_counter()
            net(x)
            if device == "cuda":
                torch.cuda.synchronize()
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        suffix = "" if label == "float32" else " float16"
        print(f"resnet_9blocks {side}px{suffix}: median {times[len(times) // 2]:.1f} ms ({runs} runs)")
