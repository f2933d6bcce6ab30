"""Writes a full-size junyanz resnet_9blocks (ngf 64) state dict with torch.save, like the
official CycleGAN releases, for the import benchmark. Usage: make_full_checkpoint.py OUT [legacy]"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "electron", "engine", "nets", "__tests__", "fixtures"))
from reference_nets import ResnetGenerator  # noqa: E402

torch.manual_seed(0)
net = ResnetGenerator(3, 3, ngf=64, norm="instance", use_dropout=False, n_blocks=9)
legacy = len(sys.argv) > 2 and sys.argv[2] == "legacy"
torch.save(net.state_dict(), sys.argv[1], _use_new_zipfile_serialization=not legacy)
