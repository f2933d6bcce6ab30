"""Peer timing for the training benchmark: one CycleGAN iteration (junyanz order: forward,
G step against fixed Ds, D step on fresh fakes), in PyTorch on the CPU.

Usage: /usr/bin/python3 bench/torch_train_peer.py NGF N_BLOCKS SIZE THREADS ITERATIONS [cpu|cuda]
Prints one JSON line: {"torch": version, "device": ..., "seconds": [per-iteration wall times]}.
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "electron", "engine", "nets", "__tests__", "fixtures"))
sys.path.insert(0, os.path.join(HERE, "..", "electron", "engine", "training", "__tests__", "fixtures"))
from reference_nets import ResnetGenerator  # noqa: E402
from make_training_fixtures import NLayerDiscriminator  # noqa: E402

ngf, n_blocks, size, threads, iterations = (int(a) for a in sys.argv[1:6])
device = sys.argv[6] if len(sys.argv) > 6 else "cpu"
torch.set_num_threads(threads)
G_A, G_B = ResnetGenerator(ngf=ngf, n_blocks=n_blocks).to(device), ResnetGenerator(ngf=ngf, n_blocks=n_blocks).to(device)
D_A, D_B = NLayerDiscriminator(3, 64, 3, "instance").to(device), NLayerDiscriminator(3, 64, 3, "instance").to(device)
opt_G = torch.optim.Adam(list(G_A.parameters()) + list(G_B.parameters()), lr=2e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(list(D_A.parameters()) + list(D_B.parameters()), lr=2e-4, betas=(0.5, 0.999))
l1, mse = nn.L1Loss(), nn.MSELoss()


def iteration(real_A, real_B):
    fake_B = G_A(real_A); rec_A = G_B(fake_B)
    fake_A = G_B(real_B); rec_B = G_A(fake_A)
    for p in list(D_A.parameters()) + list(D_B.parameters()):
        p.requires_grad_(False)
    opt_G.zero_grad()
    pa, pb = D_A(fake_B), D_B(fake_A)
    loss = (mse(pa, torch.ones_like(pa)) + mse(pb, torch.ones_like(pb)) + l1(rec_A, real_A) * 10
            + l1(rec_B, real_B) * 10 + l1(G_A(real_B), real_B) * 5 + l1(G_B(real_A), real_A) * 5)
    loss.backward()
    opt_G.step()
    for p in list(D_A.parameters()) + list(D_B.parameters()):
        p.requires_grad_(True)
    opt_D.zero_grad()
    for D, real, fake in ((D_A, real_B, fake_B), (D_B, real_A, fake_A)):
        pr, pf = D(real), D(fake.detach())
        ((mse(pr, torch.ones_like(pr)) + mse(pf, torch.zeros_like(pf))) * 0.5).backward()
    opt_D.step()


seconds = []
for i in range(iterations + 1):
    a, b = torch.rand(1, 3, size, size, device=device) * 2 - 1, torch.rand(1, 3, size, size, device=device) * 2 - 1
    if device == "cuda":
        torch.cuda.synchronize()
    t = time.perf_counter()
    iteration(a, b)
    if device == "cuda":
        torch.cuda.synchronize()
    if i > 0:  # the first iteration allocates
        seconds.append(time.perf_counter() - t)
print(json.dumps({"torch": torch.__version__, "device": device, "seconds": seconds}))
