"""Training-step throughput of the three stages, lever by lever, beside the earlier PyTorch port's U-Net; bf16 checked against fp32.

Each stage's real training step (its network, loss, batch sampler on phantoms, optimiser and gradient clipping, as
`vseg-train` runs them) is timed in configurations that switch one lever at a time:

    baseline          fp32, contiguous tensors, eager, cudnn.benchmark off, foreach optimiser, crops sampled on the CPU
    +bf16             bf16 autocast                        +channels_last   channels_last_3d weights and inputs
    +compile          torch.compile of the network          +cudnn_benchmark cudnn.benchmark = True
    +fused_optimizer  Adam/SGD with fused=True              +cuda_graphs     the whole step captured in one CUDA graph
    +gpu_data         the cases on the GPU: crop sampling and augmentation there
    all               every lever that applies on the device

plus `fit`, the project's own loop (`training.fit`, what vseg-train runs, with its per-step logging), at batch 1.
Per configuration: data seconds per step (sampling + transfer), compute seconds per step (forward, backward, clipping,
optimiser), iterations/s, TFLOP/s (3 x forward FLOPs of 02_unet/03_scnet per sample) and the fraction of the GPU's
dense bf16 peak. `--batches 1 max` also times `all` at the largest batch that fits (doubling, then bisection, with
the levers other than compile and CUDA graphs, which do not change the memory much and would recompile per size).

The earlier PyTorch port's U-Net (models/unet3d.py of ahmed-226/Coarse-to-Fine-Vertebrae-Segmentation) is imported from a checkout
given by `--seed-repo` and measured as it is: fp32, cudnn deterministic, benchmark off (as its trainer sets), Adam and
an MSE loss, at each stage's input size and base filters, on random inputs already on the device. Its parameters and
FLOPs (FlopCounterMode) are reported beside ours, since its filters double after the first level.

bf16 check: each stage's network in eval mode on a real crop, bf16 autocast against fp32 (relative L2 and max error),
and on CUDA a large conv3d probe (16 -> 16 channels, kernel 1x3x3, input 124 x 1282 x 722: the shape class of
pytorch/pytorch#163539, wrong bf16 results with cuDNN 9.10.2).

    python benchmarks/bench_training.py --device cuda --seed-repo PATH [--stages spine vertebrae segmentation]
        [--preset paper] [--batches 1 max] [--levers ...] [--steps 20] [--warmup 5]
    python benchmarks/bench_training.py --device cpu --stages segmentation --steps 5 --warmup 2   # checks the script on a CPU

Results are merged into benchmarks/results/training_<device>.json (one entry per stage, batch and configuration), so
that stages can be run in separate calls; benchmarks/make_results.py turns them into RESULTS.md and a figure.
"""
from __future__ import annotations
import argparse, contextlib, datetime, inspect, json, math, platform, statistics, subprocess, sys, tempfile, time, traceback
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import cpu_model, write_result
from vertebrae_seg import data, phantoms
from vertebrae_seg.sampling import Case, load_cases
from vertebrae_seg.training import bf16_native, fit, make_optimizer, to_channels_last, to_device, uses_bf16
from vertebrae_seg.unet import count_parameters, measured_flops, unet_flops
from vertebrae_seg.scnet import scnet_flops
from vertebrae_seg import train  # noqa: F401 (importing it registers the three stages)
from vertebrae_seg.stages import STAGES, get_stage, stage_config

LEVERS = ('bf16', 'channels_last', 'compile', 'cudnn_benchmark', 'fused_optimizer', 'cuda_graphs', 'gpu_data')
CUDA_ONLY = ('cudnn_benchmark', 'cuda_graphs', 'gpu_data')
CONFIGS = {name: (lambda preset, name=name: stage_config(name, preset)) for name in STAGES}  # stage -> config of a preset
# dense bf16 tensor-core peak, TFLOP/s (no sparsity), by a part of the device name; --peak-tflops overrides
BF16_PEAK_TFLOPS = {'H200': 989.4, 'H100 SXM': 989.4, 'H100 80GB HBM3': 989.4, 'H100 NVL': 835.0, 'H100 PCIe': 756.0, 'H100': 756.0,
                    'A100': 312.0, 'L40S': 362.1, 'L4': 121.0, 'A10G': 70.0, 'RTX 4090': 165.2, 'V100': 125.0}


def bf16_peak(name:str)->float|None:
    "The dense bf16 peak of a GPU from its name (the longest matching key), or None."
    hits = [k for k in BF16_PEAK_TFLOPS if k.lower() in name.lower()]
    return BF16_PEAK_TFLOPS[max(hits, key=len)] if hits else None


class Stage:
    "One stage's config, network, loss step, sampler and forward FLOPs, at a batch size (from the stage registry)."
    def __init__(self, name:str, preset:str, batch:int, cases:list):
        if name not in STAGES: raise ValueError(f'stage {name!r}: use one of {tuple(STAGES)}')
        self.name, self.preset, self.batch, self.cases = name, preset, batch, cases
        rec = get_stage(name)
        cfg = rec.config_for(preset)
        self.cfg = replace(cfg, train=replace(cfg.train, batch_size=batch))
        self.make_model = lambda: rec.build(self.cfg)
        self.step_fn = lambda m, b: rec.step(m, b, self.cfg)
        scnet = name == 'vertebrae'
        self.flops = scnet_flops(cfg.scnet_config(), cfg.size_xyz) if scnet else unet_flops(cfg.unet_config(), cfg.size_xyz)
        net = cfg.scnet_config() if scnet else cfg.unet_config()
        self.in_channels, self.out_channels = net.in_channels, (net.num_landmarks if scnet else net.out_channels)
        self.filters, self.levels = cfg.filters, cfg.levels
        self.size_xyz = tuple(cfg.size_xyz)
        self._batch_fns, self._batches = {}, rec.batches

    def sample(self, cases:list, rng)->dict:
        "One training batch drawn from `cases` (the stage's own batches; set up once per list of cases)."
        if id(cases) not in self._batch_fns: self._batch_fns[id(cases)] = (cases, self._batches(cases, self.cfg))
        return self._batch_fns[id(cases)][1](0, rng)


def cases_on(cases:list, device)->list:
    "The cases with their volumes on a device (the sampler then runs there)."
    return [Case(c.name, c.image.to(device), c.centroids_xyz_mm, None if c.labels is None else c.labels.to(device), c.spine_xyz_mm) for c in cases]


def sync(device:torch.device):
    if device.type == 'cuda': torch.cuda.synchronize(device)


def fused_copy(opt:torch.optim.Optimizer, **flags)->torch.optim.Optimizer:
    "The same optimiser (groups, lr scales, settings) rebuilt with extra constructor flags (fused, capturable)."
    accepts = inspect.signature(type(opt)).parameters  # SGD has no `capturable`: its step needs none to be captured
    defaults = {k: v for k, v in opt.defaults.items() if k not in ('foreach', 'fused', 'capturable', 'differentiable')}
    drop = ('foreach', 'fused', 'capturable', 'differentiable')  # the groups carry these too, and a group's value wins over the constructor's
    return type(opt)([{k: v for k, v in g.items() if k not in drop} for g in opt.param_groups], **defaults, **{k: v for k, v in flags.items() if k in accepts})


class Runner:
    "A stage's training step with a set of levers on: `data()` gives a batch, `compute(batch)` takes one step on it."
    def __init__(self, st:Stage, levers:set, device:torch.device):
        self.st, self.levers, self.dev = st, set(levers), device
        torch.manual_seed(0)
        if device.type == 'cuda': torch.backends.cudnn.benchmark = 'cudnn_benchmark' in levers
        model = st.make_model().to(device).train()
        self.cl = 'channels_last' in levers
        if self.cl: model = model.to(memory_format=torch.channels_last_3d)
        self.model = model
        self.net = torch.compile(model) if 'compile' in levers else model
        opt = make_optimizer(model, st.cfg.train)
        graphs = 'cuda_graphs' in levers
        if 'fused_optimizer' in levers or graphs:
            opt = fused_copy(opt, **({'fused': True} if 'fused_optimizer' in levers else {}), **({'capturable': True} if graphs else {}))
        self.opt, self.params = opt, [p for g in opt.param_groups for p in g['params']]
        self.clip = st.cfg.train.clip_grad_norm or math.inf
        self.autocast = (lambda: torch.autocast(device.type, dtype=torch.bfloat16)) if 'bf16' in levers else contextlib.nullcontext
        self.cases = cases_on(st.cases, device) if 'gpu_data' in levers else st.cases
        self.rng = np.random.default_rng(0)
        self.graph = self.static = None
        if graphs: self._capture()

    def data(self)->dict:
        "One batch, sampled (where the cases are) and moved to the device."
        b = to_device(self.st.sample(self.cases, self.rng), self.dev)
        return to_channels_last(b) if self.cl else b

    def _step(self, batch:dict):
        with self.autocast(): terms = self.st.step_fn(self.net, batch)
        self.opt.zero_grad(set_to_none=True)
        terms['loss'].backward()
        torch.nn.utils.clip_grad_norm_(self.params, self.clip)
        self.opt.step()
        return terms['loss']

    def _capture(self):
        "Record forward, backward, clipping and the optimiser step in one CUDA graph (static input tensors)."
        self.static = self.data()
        s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3): self._step(self.static)  # warm-up outside the graph (allocator, cuDNN plans, optimiser state)
        torch.cuda.current_stream().wait_stream(s)
        self.graph = torch.cuda.CUDAGraph()
        self.opt.zero_grad(set_to_none=True)
        with torch.cuda.graph(self.graph):
            with self.autocast(): terms = self.st.step_fn(self.net, self.static)
            terms['loss'].backward()
            torch.nn.utils.clip_grad_norm_(self.params, self.clip)
            self.opt.step()

    def compute(self, batch:dict):
        if self.graph is None: return self._step(batch)
        for k, v in batch.items(): self.static[k].copy_(v)
        self.graph.replay()


def time_runner(r:Runner, warmup:int, steps:int)->dict:
    "Median data and compute seconds per step after warm-up; the first step's time (compilation, autotuning)."
    times_d, times_c, first = [], [], None
    for i in range(warmup + steps):
        sync(r.dev); t0 = time.perf_counter(); b = r.data(); sync(r.dev); t1 = time.perf_counter()
        r.compute(b); sync(r.dev); t2 = time.perf_counter()
        if i == 0: first = t2 - t0
        if i >= warmup: times_d.append(t1 - t0); times_c.append(t2 - t1)
    d, c = statistics.median(times_d), statistics.median(times_c)
    flops = 3 * r.st.flops * r.st.batch
    return dict(data_s=d, compute_s=c, it_per_s=1 / (d + c), it_per_s_compute=1 / c, samples_per_s=r.st.batch / (d + c),
                tflops=flops / c / 1e12, first_step_s=first, data_hidden=d < c)


def measure(st:Stage, levers:set, device, warmup:int, steps:int)->dict:
    "One configuration: its timings and peak GPU memory, or the error that stopped it."
    if device.type == 'cuda': torch.cuda.empty_cache(); torch.cuda.reset_peak_memory_stats()
    try:
        r = Runner(st, levers, device)
        out = time_runner(r, warmup, steps)
        if device.type == 'cuda': out['peak_gib'] = torch.cuda.max_memory_allocated() / 2**30
        return out
    except torch.OutOfMemoryError: return dict(error='out of memory')
    except Exception as e: return dict(error=f'{type(e).__name__}: {e}'.splitlines()[0][:300], trace=traceback.format_exc()[-1500:])
    finally:
        r = None
        if device.type == 'cuda': torch.cuda.empty_cache()


def time_fit(st:Stage, device, steps:int)->dict:
    "The project's own loop (training.fit, as vseg-train runs it, no validation), seconds per step over `steps` after one."
    torch.manual_seed(0)
    model = st.make_model()
    cfg = replace(st.cfg.train, iterations=steps + 1, val_every=10**9)
    t = {}
    def batch_fn(step, rng):
        if step == 1: sync(device); t['t0'] = time.perf_counter()
        return st.sample(st.cases, rng)
    fit(model, st.step_fn, batch_fn, cfg, None, device=device, progress=False)
    sync(device)
    s = (time.perf_counter() - t['t0']) / steps
    return dict(step_s=s, it_per_s=1 / s, tflops=3 * st.flops * st.batch / s / 1e12)


def largest_batch(st_for, levers:set, device, warmup:int, limit:int=256)->int:
    "The largest batch whose configuration runs: doubling, then bisection."
    ok, bad, b = 1, None, 2
    while b <= limit:
        if 'error' in measure(st_for(b), levers, device, 1, 1): bad = b; break
        ok, b = b, b * 2
    while bad is not None and bad - ok > 1:
        mid = (ok + bad) // 2
        if 'error' in measure(st_for(mid), levers, device, 1, 1): bad = mid
        else: ok = mid
    return ok


def seed_unet(repo:Path):
    "The earlier PyTorch port's UNet3D class, imported from its checkout (never copied here)."
    if not (repo / 'models' / 'unet3d.py').exists(): sys.exit(f'--seed-repo {repo}: models/unet3d.py not found (a checkout of ahmed-226/Coarse-to-Fine-Vertebrae-Segmentation)')
    sys.path.insert(0, str(repo))
    from models.unet3d import UNet3D
    return UNet3D


def time_seed(UNet3D, st:Stage, device, batch:int, warmup:int, steps:int)->dict:
    "The earlier PyTorch port's U-Net step as its trainer runs it (fp32, cudnn deterministic), at the stage's input size and filters."
    torch.manual_seed(0)
    if device.type == 'cuda': torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = True, False; torch.cuda.reset_peak_memory_stats()
    try:
        net = UNet3D(in_channels=st.in_channels, out_channels=st.out_channels, num_filters_base=st.filters, num_levels=st.levels).to(device).train()
        shape = (batch, st.in_channels, *st.size_xyz[::-1])
        flops = measured_flops(net, (1, *shape[1:]), device='meta')
        opt = torch.optim.Adam(net.parameters(), lr=1e-4)
        x, y = torch.randn(shape, device=device), torch.rand((batch, st.out_channels, *shape[2:]), device=device)
        ts = []
        for i in range(warmup + steps):
            sync(device); t0 = time.perf_counter()
            loss = torch.nn.functional.mse_loss(net(x), y); opt.zero_grad(); loss.backward(); opt.step()
            sync(device)
            if i >= warmup: ts.append(time.perf_counter() - t0)
        c = statistics.median(ts)
        out = dict(parameters=count_parameters(net), gflop_forward=flops / 1e9 if flops else None, compute_s=c, it_per_s_compute=1 / c,
                   tflops=3 * flops * batch / c / 1e12 if flops else None)
        if device.type == 'cuda': out['peak_gib'] = torch.cuda.max_memory_allocated() / 2**30
        return out
    except torch.OutOfMemoryError: return dict(error='out of memory')
    finally:
        if device.type == 'cuda': torch.backends.cudnn.deterministic = False; torch.cuda.empty_cache()


@torch.no_grad()
def bf16_check(st:Stage, device)->dict:
    "The network in eval mode on one real crop: bf16 autocast against fp32."
    torch.manual_seed(0)
    net = st.make_model().to(device).eval()
    x = to_device(st.sample(st.cases, np.random.default_rng(1)), device)['image'][:1]
    out = lambda: net(x) if st.name != 'vertebrae' else net(x).heatmaps
    y32 = out().float()
    with torch.autocast(device.type, dtype=torch.bfloat16): y16 = out().float()
    rel = (torch.linalg.vector_norm(y16 - y32) / torch.linalg.vector_norm(y32).clamp_min(1e-12)).item()
    return dict(input_shape=list(x.shape), rel_l2=rel, max_abs=(y16 - y32).abs().max().item(), max_abs_fp32=y32.abs().max().item())


@torch.no_grad()
def conv_probe(device)->dict:
    "A large conv3d in bf16 against fp32 (the shape class of pytorch/pytorch#163539)."
    torch.manual_seed(42)
    conv = torch.nn.Conv3d(16, 16, (1, 3, 3)).to(device)
    x = torch.randn(1, 16, 124, 1282, 722, device=device)
    y32 = conv(x)
    y16 = conv.to(torch.bfloat16)(x.to(torch.bfloat16)).float()
    rel = (torch.linalg.vector_norm(y16 - y32) / torch.linalg.vector_norm(y32)).item()
    return dict(input_shape=list(x.shape), rel_l2=rel, max_abs=(y16 - y32).abs().max().item(), ok=rel < 1e-2)


def device_info(device:torch.device)->dict:
    info = dict(device=str(device), torch=torch.__version__, python=platform.python_version(), platform=platform.platform(),
                date_utc=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'), host_cpu=cpu_model())
    if device.type == 'cuda':
        name = torch.cuda.get_device_name(device)
        try: driver = subprocess.run(['nvidia-smi', '--query-gpu=driver_version', '--format=csv,noheader'], capture_output=True, text=True).stdout.split()[0]
        except (OSError, IndexError): driver = None
        info.update(device_name=name, driver=driver, cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version(),
                    memory_gib=round(torch.cuda.get_device_properties(device).total_memory / 2**30, 1))
    else: info.update(device_name=cpu_model(), threads=torch.get_num_threads(), amx=bf16_native(device))
    return info


def configs(levers:list, device)->list:
    "(name, lever set): the baseline, each lever alone, and all of them together."
    usable = [l for l in levers if device.type == 'cuda' or l not in CUDA_ONLY]
    out = [('baseline', set())] + [(f'+{l}', {l}) for l in usable]
    if len(usable) > 1: out.append(('all', set(usable)))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu', help='cpu or cuda (default: cuda when available)')
    p.add_argument('--preset', default=None, choices=['paper', 'small'], help='stage presets (default: paper on CUDA, small on CPU)')
    p.add_argument('--stages', nargs='+', default=['spine', 'vertebrae', 'segmentation'], choices=['spine', 'vertebrae', 'segmentation'])
    p.add_argument('--batches', nargs='+', default=['1', 'max'], help="batch sizes; 'max': the largest that fits (CUDA)")
    p.add_argument('--levers', nargs='*', default=None, choices=list(LEVERS),
                   help='levers to switch one by one (default: all on CUDA; on a CPU all but bf16, which CPUs without bf16 units emulate slowly)')
    p.add_argument('--seed-repo', type=Path, help="checkout of the earlier PyTorch port's repository: time its U-Net beside ours")
    p.add_argument('--steps', type=int, default=20, help='timed steps per configuration')
    p.add_argument('--warmup', type=int, default=5, help='untimed steps first (compilation, autotuning)')
    p.add_argument('--phantoms', type=int, default=4, help='phantom cases the samplers draw from')
    p.add_argument('--phantom-mvox', type=float, default=None, help='largest phantom in Mvoxels (default 20 on CUDA, 1.5 on CPU)')
    p.add_argument('--peak-tflops', type=float, default=None, help="the device's dense bf16 peak (default: from its name)")
    p.add_argument('--no-fit', action='store_true', help="skip timing the project's fit loop")
    p.add_argument('--out', type=Path, default=None, help='result JSON (default benchmarks/results/training_<device>.json; merged)')
    a = p.parse_args(argv)
    device = torch.device(a.device)
    if device.type == 'cuda' and not torch.cuda.is_available(): sys.exit('--device cuda: no CUDA device is available')
    cuda = device.type == 'cuda'
    preset = a.preset or ('paper' if cuda else 'small')
    if a.levers is None: a.levers = list(LEVERS) if cuda else [l for l in LEVERS if l != 'bf16']
    info = device_info(device)
    peak = a.peak_tflops or (bf16_peak(info['device_name']) if cuda else None)
    out_path = a.out or Path(__file__).resolve().parent / 'results' / f"training_{'cuda' if cuda else 'cpu'}.json"
    old = json.loads(out_path.read_text()) if out_path.exists() else {}
    runs = old.get('runs', [])  # rows of earlier calls; a row measured again replaces its namesake (stage, preset, batch, configuration)
    print(f"{info['device_name']} ({a.device}, torch {info['torch']}); preset {preset}; bf16 peak {peak} TFLOP/s", flush=True)
    UNet3D = seed_unet(a.seed_repo) if a.seed_repo else None
    probe = conv_probe(device) if cuda else None
    if probe: print(f"conv3d probe {probe['input_shape']}: bf16 vs fp32 relative L2 {probe['rel_l2']:.2e} ({'ok' if probe['ok'] else 'WRONG'})", flush=True)

    def save():
        checks = dict(old.get('conv_probe') or {}, **({'latest': probe} if probe else {}))
        res = dict(benchmark='training steps per stage, lever by lever, beside the seed U-Net', info=info, bf16_peak_tflops=peak,
                   steps=a.steps, warmup=a.warmup, runs=runs, conv_probe=checks or None,
                   notes='seconds per step are medians; tflops = 3 x forward FLOPs x batch / compute seconds; it_per_s includes the data time '
                         '(sampling on the CPU unless gpu_data); the fit row is the project loop with its per-step logging (bf16 autocast on CUDA)')
        write_result(res, out_path)

    with tempfile.TemporaryDirectory() as tmp:
        mvox = a.phantom_mvox or (20.0 if cuda else 1.5)
        table = phantoms.write_phantom_dataset(Path(tmp) / 'ph', n=a.phantoms, seed=300, max_mvox=mvox, verbose=False)
        table = data.read_dataset_csv(Path(tmp) / 'ph' / 'dataset.csv')
        for name in a.stages:
            cases = load_cases(table, CONFIGS[name](preset).smooth_sigma_mm, with_mask=name == 'segmentation', progress=False)
            st_for = lambda b: Stage(name, preset, b, cases)
            st1 = st_for(1)
            check = bf16_check(st1, device)
            print(f"\n{name} ({preset}, {'x'.join(map(str, st1.size_xyz))}, {st1.flops / 1e9:.1f} GFLOP forward): "
                  f"bf16 vs fp32 relative L2 {check['rel_l2']:.2e}", flush=True)
            def record(row:dict):
                "Keep a row and write the result file at once: a run cut short keeps what it measured."
                key = lambda r: (r['stage'], r['preset'], r['batch'], r['config'])
                runs[:] = [r for r in runs if key(r) != key(row)] + [row]; save()
            def run_batch(b:int):
                st = st_for(b)
                todo = configs(a.levers, device) if b == 1 else [('all', set(l for l in a.levers if cuda or l not in CUDA_ONLY))]
                for cname, levers in todo:
                    r = measure(st, levers, device, a.warmup, a.steps)
                    for drop in ('cuda_graphs', 'compile'):  # 'all' failing: without the lever most likely to be the cause, then the next
                        if cname.startswith('all') and 'error' in r and drop in levers:
                            print(f"  batch {b:3d} {cname:18s} error: {r['error']}; again without {drop}", flush=True)
                            levers = levers - {drop}; cname = f'all-{drop}' if cname == 'all' else f'{cname}-{drop}'
                            r = measure(st, levers, device, a.warmup, a.steps)
                    row = dict(stage=name, preset=preset, batch=b, config=cname, levers=sorted(levers), size_xyz=list(st.size_xyz),
                               gflop_forward=st.flops / 1e9, **r)
                    if peak and 'tflops' in r: row['fraction_of_bf16_peak'] = r['tflops'] / peak
                    record(row)
                    print(f"  batch {b:3d} {cname:18s} " + (f"error: {r['error']}" if 'error' in r else
                          f"data {r['data_s'] * 1e3:7.1f} ms, compute {r['compute_s'] * 1e3:7.1f} ms, {r['it_per_s']:6.2f} it/s, "
                          f"{r['tflops']:6.2f} TFLOP/s" + (f" ({row['fraction_of_bf16_peak']:.0%} of peak)" if 'fraction_of_bf16_peak' in row else '')
                          + (f", {r['peak_gib']:.1f} GiB" if 'peak_gib' in r else '')), flush=True)
                    if cname == 'baseline' and UNet3D is not None:  # the earlier port's U-Net beside our baseline, at batch 1
                        r = time_seed(UNet3D, st, device, b, a.warmup, a.steps)
                        record(dict(stage=name, preset=preset, batch=b, config='seed_unet3d', levers=[], size_xyz=list(st.size_xyz), **r))
                        print(f"  batch {b:3d} {'seed UNet3D':18s} " + (f"error: {r['error']}" if 'error' in r else
                              f"compute {r['compute_s'] * 1e3:7.1f} ms, {r['it_per_s_compute']:6.2f} it/s, {r['parameters']:,d} parameters, "
                              f"{r['gflop_forward']:.1f} GFLOP forward"), flush=True)
            fixed = sorted({int(x) for x in a.batches if x != 'max'})
            for b in fixed: run_batch(b)  # batch 1: every lever, and the earlier port's U-Net beside the baseline
            if not a.no_fit:
                r = time_fit(st1, device, a.steps)
                record(dict(stage=name, preset=preset, batch=1, config='fit', levers=['bf16'] if uses_bf16(st1.cfg.train, device) else [], size_xyz=list(st1.size_xyz), **r))
                print(f"  batch   1 {'fit (the loop)':18s} {r['step_s'] * 1e3:7.1f} ms per step, {r['it_per_s']:6.2f} it/s", flush=True)
            if cuda and 'max' in a.batches:  # then all levers at the largest batch that fits
                b = largest_batch(st_for, {l for l in a.levers if l not in ('compile', 'cuda_graphs')}, device, a.warmup)
                if b not in fixed: run_batch(b)
            record(dict(stage=name, preset=preset, batch=1, config='bf16_check', levers=['bf16'], size_xyz=list(st1.size_xyz), **check))

    save()
    print(f'\nwrote {out_path}')


if __name__ == '__main__':
    main()
