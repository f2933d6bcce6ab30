"""Train the "tiny-dusk" placeholder starter model with PyTorch on the CPU.

This is a stand-in until GAN Studio's own trainer exists. It fits a tiny junyanz
UnetGenerator (6 downsamplings, ngf 8, instance norm, no dropout) with plain L1 to a fixed,
hand-written "dusk" colour grade on procedurally generated images. It is not a GAN.

    /usr/bin/python3 models/recipes/tiny-dusk/train_reference.py

Writes models/recipes/tiny-dusk/weights.safetensors (state_dict keys as in junyanz
checkpoints) and, by default, a before/after preview PNG at /tmp/tiny-dusk-preview.png.
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "electron", "engine", "nets", "__tests__", "fixtures"))
from reference_nets import UnetGenerator, write_safetensors  # noqa: E402

# A U-Net rather than a ResNet: its outermost skip carries absolute colour levels, which a
# colour grade needs. A ResNet with instance norm after its first conv cannot see an image's
# mean colour at all (measured: its output is unchanged when the input is shifted/scaled).
NGF, NUM_DOWNS, NORM, DROPOUT = 8, 6, "instance", False
SRC = 128   # side of the generated source images (a multiple of 2**NUM_DOWNS)
CROP = 64   # training crop side


# ---------------------------------------------------------------------------
# The target grade, on [0, 1] RGB tensors shaped [B, 3, H, W].
# ---------------------------------------------------------------------------

def dusk(x):
    r, g, b = x[:, 0:1], x[:, 1:2], x[:, 2:3]
    lum = 0.299 * r + 0.587 * g + 0.114 * b
    # Darken: gamma 1.6 then a 0.55 gain.
    r, g, b = (0.55 * c.clamp(0, 1) ** 1.6 for c in (r, g, b))
    # Cool, slightly purple cast: pull red and green down, push blue up, leak a little
    # red into blue and blue into red.
    r, g, b = 0.86 * r + 0.08 * b, 0.80 * g, 1.12 * b + 0.06 * r
    # Lift the shadows in blue (and a touch of red, for violet rather than teal).
    shadow = (1.0 - lum) ** 2
    b = b + 0.07 * shadow
    r = r + 0.015 * shadow
    y = torch.cat([r, g, b], 1)
    # Gentle vignette relative to the frame the network sees: x0.75 in the corners.
    _, _, h, w = x.shape
    v = torch.linspace(-1, 1, h).view(1, 1, h, 1)
    u = torch.linspace(-1, 1, w).view(1, 1, 1, w)
    y = y * (1.0 - 0.25 * (u * u + v * v) / 2.0)
    return y.clamp(0, 1)


# ---------------------------------------------------------------------------
# Procedural training images, [0, 1] float32 [3, S, S].
# ---------------------------------------------------------------------------

def _smooth_noise(rng, s, cells):
    low = torch.from_numpy(rng.rand(1, 1, cells, cells).astype(np.float32))
    return F.interpolate(low, size=(s, s), mode="bicubic", align_corners=False)[0, 0].numpy()


def make_image(rng, s=SRC):
    yy, xx = np.meshgrid(np.linspace(0, 1, s), np.linspace(0, 1, s), indexing="ij")
    # Sky: a two-colour gradient along a random direction.
    ang = rng.uniform(-0.6, 0.6) + (math.pi / 2 if rng.rand() < 0.2 else 0.0)
    t = np.clip((np.cos(ang) * yy + np.sin(ang) * xx) * rng.uniform(0.7, 1.4)
                + rng.uniform(-0.2, 0.2), 0, 1)[None]
    c0, c1 = rng.rand(3, 1, 1), rng.rand(3, 1, 1)
    img = c0 * (1 - t) + c1 * t
    # Shapes: circles and rectangles, some with soft edges.
    for _ in range(rng.randint(2, 8)):
        col = rng.rand(3, 1, 1)
        soft = rng.uniform(0.002, 0.05)
        if rng.rand() < 0.5:
            cy, cx, rad = rng.rand(), rng.rand(), rng.uniform(0.05, 0.35)
            d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2) - rad
        else:
            cy, cx = rng.rand(), rng.rand()
            hy, hx = rng.uniform(0.03, 0.3), rng.uniform(0.03, 0.4)
            d = np.maximum(np.abs(yy - cy) - hy, np.abs(xx - cx) - hx)
        m = 1.0 / (1.0 + np.exp(np.clip(d / soft, -50, 50)))
        img = img * (1 - m[None]) + col * m[None]
    # Textures: smooth value noise and a little fine grain.
    if rng.rand() < 0.7:
        n = _smooth_noise(rng, s, rng.choice([4, 8, 16, 32]))
        img = img + rng.uniform(0.05, 0.35) * (n[None] - 0.5) * rng.uniform(0.3, 1.0, (3, 1, 1))
    img = img + rng.uniform(0.0, 0.04) * rng.randn(3, s, s)
    # Random global exposure and contrast, so the net sees dark and bright frames.
    img = (img - 0.5) * rng.uniform(0.6, 1.3) + 0.5 + rng.uniform(-0.25, 0.25)
    return np.clip(img, 0, 1).astype(np.float32)


def to_net(x01):
    return x01 * 2.0 - 1.0


def to_01(xn):
    return (xn + 1.0) / 2.0


def heldout_set(seed, n, side):
    rng = np.random.RandomState(seed)
    imgs = np.stack([make_image(rng, SRC) for _ in range(n)])
    o = (SRC - side) // 2
    x = torch.from_numpy(imgs[:, :, o:o + side, o:o + side].copy())
    return x, dusk(x)


def evaluate(net, x01, y01):
    net.eval()  # instance norm without running stats: same as train(); no dropout here
    with torch.no_grad():
        pred = torch.cat([net(to_net(x01[i:i + 16])) for i in range(0, len(x01), 16)])
    net.train()
    l1 = float((pred - to_net(y01)).abs().mean())
    base = float((to_net(x01) - to_net(y01)).abs().mean())
    return l1, base, to_01(pred).clamp(0, 1)


def save_preview(path, x01, y01, p01):
    from PIL import Image, ImageDraw
    k, pad = 4, 6
    side = x01.shape[-1] * k
    rows = x01.shape[0]
    canvas = Image.new("RGB", (3 * side + 4 * pad, rows * side + (rows + 1) * pad + 14),
                       (30, 30, 30))
    draw = ImageDraw.Draw(canvas)
    for j, label in enumerate(["input", "target (dusk grade)", "tiny-dusk net"]):
        draw.text((pad + j * (side + pad), 2), label, fill=(230, 230, 230))
    for i in range(rows):
        for j, t in enumerate((x01[i], y01[i], p01[i])):
            a = (t.permute(1, 2, 0).numpy() * 255.0 + 0.5).clip(0, 255).astype(np.uint8)
            im = Image.fromarray(a).resize((side, side), Image.NEAREST)
            canvas.paste(im, (pad + j * (side + pad), 14 + pad + i * (side + pad)))
    canvas.save(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=2400)
    ap.add_argument("--max-seconds", type=float, default=330.0,
                    help="safety stop for slow machines (the run is then shorter than --steps)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--train-images", type=int, default=800)
    ap.add_argument("--out", default=os.path.join(HERE, "weights.safetensors"))
    ap.add_argument("--preview", default="/tmp/tiny-dusk-preview.png")
    args = ap.parse_args()

    t0 = time.time()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = np.random.RandomState(args.seed)

    pool = torch.from_numpy(np.stack([make_image(rng) for _ in range(args.train_images)]))
    hx, hy = heldout_set(args.seed + 1, 64, CROP)          # held-out, 64 px centre crops
    bx, by = heldout_set(args.seed + 2, 16, SRC)           # held-out, whole 96 px frames
    print(f"data: {len(pool)} train images {SRC}px, held-out 64x{CROP}px + 16x{SRC}px "
          f"({time.time() - t0:.1f}s)")

    net = UnetGenerator(3, 3, num_downs=NUM_DOWNS, ngf=NGF, norm=NORM, use_dropout=DROPOUT)
    net.train()
    n_params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.Adam(net.parameters(), lr=2e-3, betas=(0.9, 0.999))
    hold = int(args.steps * 0.4)

    def lr_at(step):  # 2e-3 flat, then cosine down to 1% of it
        if step < hold:
            return 2e-3
        f = (step - hold) / max(1, args.steps - hold)
        return 2e-3 * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * f)))

    t_train = time.time()
    run = 0.0
    steps_done = 0
    for step in range(args.steps):
        if time.time() - t_train > args.max_seconds:
            print(f"WARNING: stopped at step {step} of {args.steps}: over {args.max_seconds}s")
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        idx = torch.from_numpy(rng.randint(0, len(pool), 8))
        oy, ox = rng.randint(0, SRC - CROP + 1, 2)
        x = pool[idx, :, oy:oy + CROP, ox:ox + CROP]
        if rng.rand() < 0.5:
            x = x.flip(3)
        y = dusk(x)
        loss = (net(to_net(x)) - to_net(y)).abs().mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        steps_done = step + 1
        run = 0.98 * run + 0.02 * float(loss) if step else float(loss)
        if (step + 1) % 250 == 0 or step == 0:
            print(f"step {step + 1:5d}/{args.steps} lr {lr_at(step):.2e} "
                  f"L1 {float(loss):.4f} (avg {run:.4f}) {time.time() - t_train:6.1f}s")
    train_s = time.time() - t_train

    l1, base, pred = evaluate(net, hx, hy)
    l1_big, base_big, _ = evaluate(net, bx, by)
    total_s = time.time() - t0
    print(f"held-out L1 ({len(hx)} x {CROP}px, [-1,1] units): net {l1:.4f} vs identity "
          f"baseline {base:.4f} ({base / l1:.1f}x lower)")
    print(f"held-out L1 ({len(bx)} x {SRC}px whole frames): net {l1_big:.4f} vs identity "
          f"{base_big:.4f}")
    print(f"params {n_params}, training {train_s:.1f}s, total {total_s:.1f}s")

    sd = {k: v for k, v in net.state_dict().items() if v.is_floating_point()}
    meta = {
        "family": "unet", "ngf": NGF, "num_downs": NUM_DOWNS, "norm": NORM,
        "dropout": "true" if DROPOUT else "false",
        "recipe": "tiny-dusk", "trainer": "pytorch-reference (L1 regression, not a GAN)",
        "torch_version": torch.__version__, "seed": args.seed, "train_images": args.train_images,
        "steps": steps_done, "batch": 8, "crop": CROP,
        "seconds": f"{train_s:.1f}",
        "heldout_l1": f"{l1:.5f}", "baseline_l1": f"{base:.5f}",
        "heldout_l1_96px": f"{l1_big:.5f}", "baseline_l1_96px": f"{base_big:.5f}",
        "l1_units": "mean abs error on [-1,1] images",
    }
    write_safetensors(args.out, sd, {k: str(v) for k, v in meta.items()})
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")
    if args.preview:
        save_preview(args.preview, hx[:2], hy[:2], pred[:2])
        print(f"wrote {args.preview}")


if __name__ == "__main__":
    main()
