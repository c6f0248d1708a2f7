#!/usr/bin/env python3
"""Independent reference values for the engine, computed by PyTorch in float64.

Writes Tests/InklingCoreTests/Fixtures/torch-reference.json, read by
Tests/InklingCoreTests/TorchReferenceTests.swift, which runs every case through the Swift
layers and optimizers and compares each tensor (tolerance: see that file).

    python3 scripts/make-reference.py            # needs torch (pip install torch; CPU is enough)

What it holds:
  layers    one small batch through each layer kind (conv2d at several kernels, strides,
            paddings and channel counts; batch norm in training and inference mode; relu;
            max-pool 2/2, 3/2, 2/1; dense; flatten; dropout with the engine's mask): inputs,
            parameters, an upstream gradient dy, and the outputs y, dx and every parameter
            gradient for L = sum(dy * y).
  losses    softmax cross-entropy (mean over the batch): loss and dlogits.
  training  5 steps of SGD with momentum and of AdamW (torch.optim, not a re-implementation)
            on conv-relu-bn-pool-flatten-dense with the engine's learning-rate schedule:
            learning rate, loss, gradients, parameters and batch-norm running statistics
            after each step.

The engine's conventions, reproduced here:
  - activations are CNHW ([C][N][H][W]) up to flatten, then [N][F]; torch's NCHW tensors are
    permuted before they are written. Conv weights are [Cout][Cin][k][k], dense [out][in]
    (torch's own layouts). Flatten orders features c*H*W + y*W + x (torch's flatten).
  - batch norm: eps 1e-5, momentum 0.1, biased variance to normalise, unbiased (M/(M-1)) in
    the running variance (torch's F.batch_norm does the same).
  - dropout: inverted; mask value 0 with probability p, else 1/(1-p). The mask is the one the
    engine's Dropout(seed:) draws: SplitMix64 (Sources/InklingCore/Tensor/RNG.swift) on stream
    0xD80, one uniform (24 bits) per value in buffer order, dropped when uniform < p.
  - softmax cross-entropy: mean over the batch (torch's default reduction).
  - SGD: v = mu v + (g + wd w), w -= lr v (torch.optim.SGD, dampening 0, no Nesterov).
  - AdamW: decoupled decay, bias-corrected moments, eps added to sqrt(v_hat)
    (torch.optim.AdamW). Weight decay only on parameters whose `decays` flag is set (conv and
    dense weights), never on biases or batch-norm parameters.
  - schedule (Sources/InklingCore/Training/Schedule.swift): progress p = step / total;
    p < warmup: peak (start + (1 - start) p / warmup), start = 0.033;
    else peak (floor + (1 - floor) (1 + cos(pi q)) / 2),
    q = (p - warmup) / (1 - warmup).

Inputs and parameters are rounded to float32 (what the engine holds) before torch computes in
float64, so a mismatch measures the engine's float32 error, not the fixture's. Inputs are
chosen so no ReLU input is near 0 and no pooling window has a near tie (checked below): there
the float32 and float64 answers could legitimately differ.

Tensors are stored as {"shape", "dtype": "f32"|"f64", "data": base64 little-endian}.
"""
import base64
import json
import math
import os
import sys

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit("error: make-reference.py: PyTorch is not installed (pip install torch)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "InklingCoreTests", "Fixtures", "torch-reference.json")

torch.set_default_dtype(torch.float64)
GEN = torch.Generator().manual_seed(20240607)

BN_EPS, BN_MOMENTUM = 1e-5, 0.1
RELU_MARGIN = 1e-5   # no ReLU input closer to 0 than this (float32 noise is ~1e-7)
POOL_MARGIN = 1e-5   # the winner of each pooling window beats the runner-up by at least this


# ---------------------------------------------------------------- helpers

def f32(t):
    """Round to float32 and back: the values the engine will actually hold."""
    return t.float().double()


def randn(*shape, scale=1.0, shift=0.0):
    return f32(torch.randn(*shape, generator=GEN) * scale + shift)


def away_from_zero(t, margin=0.1):
    """Push values off the ReLU kink: |v| >= margin."""
    return f32(torch.where(t >= 0, t + margin, t - margin))


def cnhw(t):
    """torch NCHW -> the engine's CNHW."""
    return t.permute(1, 0, 2, 3).contiguous() if t.dim() == 4 else t.contiguous()


def enc(t, dtype="f64"):
    t = t.detach().contiguous()
    arr = t.to(torch.float64 if dtype == "f64" else torch.float32).numpy().astype("<f8" if dtype == "f64" else "<f4")
    return {"shape": list(t.shape), "dtype": dtype, "data": base64.b64encode(arr.tobytes()).decode("ascii")}


def enc_in(t):
    """An input or parameter: exactly float32, so stored as float32."""
    assert torch.equal(t, f32(t)), "inputs must be float32-representable"
    return enc(t, "f32")


def check_relu_margin(t, what):
    m = t.abs().min().item()
    assert m > RELU_MARGIN, f"{what}: a ReLU input is {m:.2e} from 0; pick another seed"


def check_pool_margin(x, size, stride, what, exempt_zero_windows=False):
    """x: NCHW. The top two values of every window differ by more than POOL_MARGIN (with
    `exempt_zero_windows`, all-zero windows of a ReLU output are allowed: see net_forward)."""
    patches = F.unfold(x.reshape(-1, 1, x.shape[2], x.shape[3]), kernel_size=size, stride=stride)
    top2 = patches.topk(2, dim=1).values
    gaps = top2[:, 0] - top2[:, 1]
    if exempt_zero_windows:
        gaps = gaps[top2[:, 0] != 0]
    gap = gaps.min().item()
    assert gap > POOL_MARGIN, f"{what}: a pooling window has a near tie ({gap:.2e}); pick another seed"


def leaf(t):
    return t.clone().requires_grad_(True)


# ---------------------------------------------------------------- SplitMix64 (the engine's RNG)

M64 = (1 << 64) - 1


class SplitMix64:
    """Port of SeededRNG (Sources/InklingCore/Tensor/RNG.swift)."""

    def __init__(self, seed, stream=None, b=0):
        self.state = (seed + 0x9E3779B97F4A7C15) & M64
        if stream is not None:
            mixer = SplitMix64(seed ^ ((stream * 0xD1B54A32D192ED03) & M64) ^ ((b * 0x8CB92BA72F3D8DD7) & M64))
            self.state = mixer.next()

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 40) * (1.0 / 16777216.0)


def dropout_mask(count, rate, seed):
    """Dropout(name:input:rate:seed:)'s first mask: 1 = kept, 0 = dropped (before scaling)."""
    assert rate in (0.25, 0.5), "a rate exact in float32 and double, so `uniform < rate` agrees"
    rng = SplitMix64(seed, stream=0xD80)
    return torch.tensor([0.0 if rng.uniform() < rate else 1.0 for _ in range(count)])


# ---------------------------------------------------------------- layer cases

def layer_case(name, batch, spec, x, params, forward, training=True, extra=None):
    """Runs `forward(x, params) -> y` in float64, backpropagates a random dy, records it all.
    `x` and the params are torch-layout tensors; the record is in the engine's layout."""
    xl = leaf(x)
    pl = {k: leaf(v) for k, v in params.items()}
    y = forward(xl, pl)
    dy = randn(*y.shape)
    y.backward(dy)
    case = {
        "name": name, "batch": batch, "layer": spec, "training": training,
        "x": enc_in(cnhw(x)), "dy": enc_in(cnhw(dy)),
        "params": {k: enc_in(v) for k, v in params.items()},
        "y": enc(cnhw(y)), "dx": enc(cnhw(xl.grad)),
        "grads": {k: enc(v.grad) for k, v in pl.items()},
    }
    case.update(extra or {})
    return case


def conv_case(cin, h, w, cout, k, stride, pad, batch=3):
    name = f"conv_cin{cin}_{h}x{w}_cout{cout}_k{k}_s{stride}_p{pad}_n{batch}"
    spec = {"kind": "conv2d", "name": "conv", "input_shape": [cin, h, w], "out_channels": cout,
            "kernel": k, "stride": stride, "padding": pad}
    x = randn(batch, cin, h, w)
    params = {"conv.weight": randn(cout, cin, k, k, scale=(2.0 / (cin * k * k)) ** 0.5),
              "conv.bias": randn(cout, scale=0.1)}
    return layer_case(name, batch, spec, x, params,
                      lambda x, p: F.conv2d(x, p["conv.weight"], p["conv.bias"], stride=stride, padding=pad))


def batchnorm_case(c, h, w, batch, training):
    name = f"batchnorm_c{c}_{h}x{w}_n{batch}_{'train' if training else 'eval'}"
    spec = {"kind": "batchnorm2d", "name": "bn", "input_shape": [c, h, w], "eps": BN_EPS, "momentum": BN_MOMENTUM}
    # Per-channel offsets and scales, so centring and scaling both matter.
    x = f32(torch.randn(batch, c, h, w, generator=GEN) * torch.linspace(0.5, 2.0, c).view(1, c, 1, 1)
            + torch.linspace(-1.0, 1.5, c).view(1, c, 1, 1))
    params = {"bn.gamma": randn(c, scale=0.5, shift=1.0), "bn.beta": randn(c, scale=0.3)}
    mean_in, var_in = randn(c, scale=0.2), f32(torch.rand(c, generator=GEN) + 0.5)
    mean, var = mean_in.clone(), var_in.clone()   # F.batch_norm updates these in place
    case = layer_case(name, batch, spec, x, params,
                      lambda x, p: F.batch_norm(x, mean, var, p["bn.gamma"], p["bn.beta"], training=training,
                                                momentum=BN_MOMENTUM, eps=BN_EPS),
                      training=training)
    case["state_in"] = {"running_mean": enc_in(mean_in), "running_var": enc_in(var_in)}
    case["state_out"] = {"running_mean": enc(mean), "running_var": enc(var)}
    if not training:
        # The engine's backward implements the training-mode formula only; inference-mode
        # batch norm is never differentiated (it is folded away at export).
        for key in ("dx", "grads"):
            del case[key]
    return case


def relu_case(c, h, w, batch=3):
    spec = {"kind": "relu", "name": "relu", "input_shape": [c, h, w]}
    x = away_from_zero(torch.randn(batch, c, h, w, generator=GEN))
    check_relu_margin(x, "relu case")
    return layer_case(f"relu_c{c}_{h}x{w}_n{batch}", batch, spec, x, {}, lambda x, p: F.relu(x))


def maxpool_case(c, h, w, size, stride, batch=3):
    spec = {"kind": "maxpool2d", "name": "pool", "input_shape": [c, h, w], "size": size, "stride": stride}
    x = randn(batch, c, h, w)
    check_pool_margin(x, size, stride, "maxpool case")
    return layer_case(f"maxpool_c{c}_{h}x{w}_size{size}_s{stride}_n{batch}", batch, spec, x, {},
                      lambda x, p: F.max_pool2d(x, size, stride))


def dense_case(fin, fout, batch=3):
    spec = {"kind": "dense", "name": "dense", "input_shape": [fin], "out_features": fout}
    params = {"dense.weight": randn(fout, fin, scale=(1.0 / fin) ** 0.5), "dense.bias": randn(fout, scale=0.1)}
    return layer_case(f"dense_{fin}x{fout}_n{batch}", batch, spec, randn(batch, fin), params,
                      lambda x, p: F.linear(x, p["dense.weight"], p["dense.bias"]))


def flatten_case(c, h, w, batch=3):
    spec = {"kind": "flatten", "name": "flatten", "input_shape": [c, h, w]}
    return layer_case(f"flatten_c{c}_{h}x{w}_n{batch}", batch, spec, randn(batch, c, h, w), {},
                      lambda x, p: torch.flatten(x, 1))


def dropout_case(features, rate, seed, batch=3):
    spec = {"kind": "dropout", "name": "dropout", "input_shape": [features], "rate": rate, "seed": seed}
    mask = dropout_mask(batch * features, rate, seed).view(batch, features)
    case = layer_case(f"dropout_{features}_p{rate}_seed{seed}_n{batch}", batch, spec, randn(batch, features), {},
                      lambda x, p: x * mask / (1 - rate))
    case["mask"] = enc_in(mask)
    return case


def loss_case(batch, classes, labels):
    logits = leaf(randn(batch, classes, scale=3.0))
    target = torch.tensor(labels)
    loss = F.cross_entropy(logits, target)   # mean over the batch
    loss.backward()
    correct = int((logits.detach().argmax(1) == target).sum())
    return {"name": f"softmax_cross_entropy_n{batch}_k{classes}", "logits": enc_in(logits.detach()),
            "labels": labels, "loss": loss.item(), "correct": correct, "dlogits": enc(logits.grad)}


# ---------------------------------------------------------------- training steps

NET_BATCH, NET_IN = 4, (1, 8, 8)
NET_SPEC = [
    {"kind": "conv2d", "name": "conv", "input_shape": [1, 8, 8], "out_channels": 4, "kernel": 3, "stride": 1, "padding": 1},
    {"kind": "relu", "name": "relu", "input_shape": [4, 8, 8]},
    {"kind": "batchnorm2d", "name": "bn", "input_shape": [4, 8, 8], "eps": BN_EPS, "momentum": BN_MOMENTUM},
    {"kind": "maxpool2d", "name": "pool", "input_shape": [4, 8, 8], "size": 2, "stride": 2},
    {"kind": "flatten", "name": "flatten", "input_shape": [4, 4, 4]},
    {"kind": "dense", "name": "dense", "input_shape": [64], "out_features": 10},
]
# Parameter order = the engine's network.parameters (layer order, weight before bias).
NET_PARAMS = ["conv.weight", "conv.bias", "bn.gamma", "bn.beta", "dense.weight", "dense.bias"]
NET_DECAYS = {"conv.weight", "dense.weight"}


def net_forward(x, p, running, what):
    """conv - relu - bn - pool - flatten - dense, training mode. (ReLU before batch norm:
    a conv bias followed directly by batch norm has an exactly zero gradient, and AdamW's
    normalised step turns the float32 rounding noise in that zero into full-size steps, so
    that arrangement cannot be compared to 1e-5. The layer cases cover each layer on its own.)
    Pooling windows whose ReLU outputs are all 0 tie exactly after batch norm; whichever
    element wins, its gradient dies in the ReLU, so only the other windows need a margin
    (batch norm with gamma > 0 keeps each channel's order)."""
    a = F.conv2d(x, p["conv.weight"], p["conv.bias"], stride=1, padding=1)
    check_relu_margin(a.detach(), what)
    a = F.relu(a)
    assert (p["bn.gamma"] > 0).all(), f"{what}: gamma must stay positive"
    check_pool_margin(a.detach(), 2, 2, what, exempt_zero_windows=True)
    a = F.batch_norm(a, running["mean"], running["var"], p["bn.gamma"], p["bn.beta"], training=True,
                     momentum=BN_MOMENTUM, eps=BN_EPS)
    a = F.max_pool2d(a, 2, 2)
    return F.linear(torch.flatten(a, 1), p["dense.weight"], p["dense.bias"])


def schedule_rate(progress, peak, warmup, floor):
    if progress < warmup:
        start = 0.033  # LearningRateSchedule.warmupStart
        return peak * (start + (1 - start) * progress / warmup)
    q = (progress - warmup) / (1 - warmup)
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * q)))


def training_case(optimizer, peak, weight_decay, steps, x, labels, init):
    p = {k: leaf(v) for k, v in init.items()}
    running = {"mean": torch.zeros(4), "var": torch.ones(4)}
    groups = [{"params": [p[k] for k in NET_PARAMS if k in NET_DECAYS], "weight_decay": weight_decay},
              {"params": [p[k] for k in NET_PARAMS if k not in NET_DECAYS], "weight_decay": 0.0}]
    if optimizer == "sgd":
        opt = torch.optim.SGD(groups, lr=peak, momentum=0.9, dampening=0, nesterov=False, foreach=False)
        config = {"momentum": 0.9, "weight_decay": weight_decay}
    else:
        opt = torch.optim.AdamW(groups, lr=peak, betas=(0.9, 0.999), eps=1e-8, foreach=False)
        config = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": weight_decay}
    schedule = {"peak": peak, "warmup_fraction": 0.03, "floor": 0.01, "total_steps": steps}
    target = torch.tensor(labels)
    records = []
    for step in range(steps):
        lr = schedule_rate(step / steps, peak, schedule["warmup_fraction"], schedule["floor"])
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad()
        loss = F.cross_entropy(net_forward(x, p, running, f"{optimizer} step {step}"), target)
        loss.backward()
        grads = {k: enc(p[k].grad) for k in NET_PARAMS}
        opt.step()
        records.append({"learning_rate": lr, "loss": loss.item(), "grads": grads,
                        "params": {k: enc(p[k].detach()) for k in NET_PARAMS},
                        "running_mean": enc(running["mean"]), "running_var": enc(running["var"])})
    return {"name": f"{optimizer}_{steps}_steps", "optimizer": optimizer, "config": config, "schedule": schedule,
            "steps": records}


def training_cases():
    x = randn(NET_BATCH, *NET_IN)
    labels = [3, 7, 0, 7]
    init = {"conv.weight": randn(4, 1, 3, 3, scale=(2.0 / 9) ** 0.5), "conv.bias": randn(4, scale=0.1),
            "bn.gamma": randn(4, scale=0.2, shift=1.0), "bn.beta": randn(4, scale=0.2),
            "dense.weight": randn(10, 64, scale=(1.0 / 64) ** 0.5), "dense.bias": randn(10, scale=0.1)}
    return {
        "network": NET_SPEC, "batch": NET_BATCH, "parameters": NET_PARAMS, "decays": sorted(NET_DECAYS),
        "x": enc_in(cnhw(x)), "labels": labels, "initial": {k: enc_in(v) for k, v in init.items()},
        "runs": [training_case("sgd", 0.05, 0.01, 5, x, labels, init),
                 training_case("adamw", 3e-3, 0.05, 5, x, labels, init)],
    }


# ---------------------------------------------------------------- main

def main():
    layers = [
        conv_case(1, 6, 6, 2, 3, 1, 0),
        conv_case(2, 7, 6, 3, 3, 1, 1),
        conv_case(3, 8, 8, 4, 5, 1, 2),
        conv_case(2, 7, 7, 3, 3, 2, 1),
        conv_case(2, 8, 7, 2, 2, 2, 0),
        conv_case(1, 9, 9, 2, 5, 2, 2),
        conv_case(4, 9, 8, 3, 3, 2, 0),
        # K = 800: several images' im2col exceed the engine's chunk, so the batch is split.
        conv_case(32, 10, 10, 2, 5, 1, 2, batch=4),
        batchnorm_case(3, 4, 4, 3, training=True),
        batchnorm_case(2, 5, 3, 3, training=True),
        batchnorm_case(3, 4, 4, 3, training=False),
        relu_case(3, 4, 4),
        maxpool_case(2, 6, 6, 2, 2),
        maxpool_case(2, 7, 5, 2, 2),
        maxpool_case(2, 7, 7, 3, 2),
        maxpool_case(2, 5, 6, 2, 1),
        dense_case(12, 5),
        dense_case(64, 10),
        flatten_case(3, 2, 4),
        dropout_case(20, 0.25, 7),
    ]
    fixture = {
        "generator": "scripts/make-reference.py",
        "torch_version": torch.__version__,
        "layout": "activations CNHW up to flatten, then [N][F]; conv weight [Cout][Cin][k][k]; dense weight [out][in]",
        "layers": layers,
        "losses": [loss_case(4, 10, [3, 0, 9, 5]), loss_case(3, 10, [1, 1, 8])],
        "training": training_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    os.replace(tmp, OUT)
    print(f"wrote {os.path.relpath(OUT, ROOT)} ({os.path.getsize(OUT)} bytes): "
          f"{len(layers)} layer cases, {len(fixture['losses'])} loss cases, "
          f"{len(fixture['training']['runs'])} training runs")


if __name__ == "__main__":
    main()
