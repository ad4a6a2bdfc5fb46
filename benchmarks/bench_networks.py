"""Forward and forward + backward time of the stage networks (U-Net, SCNet), parameters and FLOPs.

Usage: python benchmarks/bench_networks.py [--device cpu|cuda] [--presets small paper] [--repeats N] [--out DIR]

Defaults: on CPU the small preset's sizes (the paper's sizes take minutes per step on a laptop; add
`--presets small paper` to time them anyway); on CUDA both presets. Parameters and FLOPs at the paper's sizes are
always printed (computed from the configs, nothing runs). Results go to benchmarks/results/networks_<device>.json.
FLOPs are 2 x multiply-adds of the convolutions (and of the SCNet's cubic upsampling) of one forward pass, batch 1;
a training step (forward + backward) costs about 3 x that.
"""
from __future__ import annotations
import argparse, contextlib, datetime, json, platform, re, statistics, sys, time
from pathlib import Path

import torch

from vertebrae_seg.data import atomic_write
from _machine import cpu_model
from vertebrae_seg.scnet import SCNet, SCNetConfig, scnet_flops
from vertebrae_seg.unet import UNet, UNetConfig, count_parameters, unet_flops

# Sizes are (x, y, z) voxels; tensors are (B, C, z, y, x). The small preset is the training chapter's laptop preset.
SIZES = {
    'small': {
        'stage1': dict(network='unet', in_channels=1, out_channels=1, size_xyz=(32, 32, 64), spacing_mm=8.0, filters=32, levels=5, dropout=0.5),
        'stage2': dict(network='scnet', in_channels=1, out_channels=26, size_xyz=(48, 48, 64), spacing_mm=4.0, filters=32),
        'stage3': dict(network='unet', in_channels=2, out_channels=1, size_xyz=(64, 64, 48), spacing_mm=2.0, filters=32, levels=5, dropout=0.25),
    },
    'paper': {
        'stage1': dict(network='unet', in_channels=1, out_channels=1, size_xyz=(64, 64, 128), spacing_mm=8.0, filters=64, levels=5, dropout=0.5),
        'stage2': dict(network='scnet', in_channels=1, out_channels=26, size_xyz=(96, 96, 128), spacing_mm=2.0, filters=64),
        'stage3': dict(network='unet', in_channels=2, out_channels=1, size_xyz=(128, 128, 96), spacing_mm=1.0, filters=64, levels=5, dropout=0.25),
    },
}


def build(spec:dict)->tuple:
    "The network of a SIZES entry, its config and its analytic forward FLOPs."
    if spec['network'] == 'unet':
        cfg = UNetConfig(in_channels=spec['in_channels'], out_channels=spec['out_channels'], filters=spec['filters'],
                         levels=spec['levels'], dropout=spec['dropout'])
        return UNet(cfg), cfg, unet_flops(cfg, spec['size_xyz'])
    cfg = SCNetConfig(in_channels=spec['in_channels'], num_landmarks=spec['out_channels'], filters=spec['filters'], spatial_filters=spec['filters'])
    return SCNet(cfg), cfg, scnet_flops(cfg, spec['size_xyz'])


def _sync(device:str):
    if device.startswith('cuda'): torch.cuda.synchronize()


@contextlib.contextmanager
def onednn(enabled:bool|None):
    "oneDNN convolutions on (True) or off (False) inside the block; None leaves the setting alone."
    was = torch.backends.mkldnn.enabled
    if enabled is not None: torch.backends.mkldnn.enabled = enabled
    try: yield
    finally: torch.backends.mkldnn.enabled = was


def time_network(spec:dict, device:str, repeats:int, dtype:str='float32')->dict:
    "Median and min seconds of a forward pass (train mode) and of forward + backward, and the peak memory."
    torch.manual_seed(0)
    net, cfg, flops = build(spec)
    net = net.to(device).train()
    x = torch.randn(1, spec['in_channels'], *spec['size_xyz'][::-1], device=device)  # (B, C, z, y, x)
    use_bf16 = dtype == 'bfloat16' and device.startswith('cuda')
    autocast = torch.autocast(device_type='cuda', dtype=torch.bfloat16) if use_bf16 else contextlib.nullcontext()
    def run(backward:bool):
        with autocast:
            out = net(x)
            y = out.heatmaps if isinstance(out, tuple) else out
            loss = y.float().square().mean()
        if backward:
            net.zero_grad(set_to_none=True); loss.backward()
    for _ in range(2): run(True)  # warm-up: allocator, cudnn autotuning, oneDNN primitives
    if device.startswith('cuda'): torch.cuda.reset_peak_memory_stats()
    res = {}
    for name, backward in (('forward', False), ('forward_backward', True)):
        ts = []
        for _ in range(repeats):
            _sync(device); t0 = time.perf_counter(); run(backward); _sync(device); ts.append(time.perf_counter() - t0)
        res[f'{name}_s_median'], res[f'{name}_s_min'] = statistics.median(ts), min(ts)
    res['train_step_tflops'] = 3 * flops / res['forward_backward_s_median'] / 1e12  # achieved, counting a step as 3 x forward
    if device.startswith('cuda'): res['peak_memory_gib'] = torch.cuda.max_memory_allocated() / 2 ** 30
    return dict(network=spec['network'], config=str(cfg), size_xyz=list(spec['size_xyz']), spacing_mm=spec['spacing_mm'],
                parameters=count_parameters(net), gflop_forward=flops / 1e9, dtype=dtype, **res)


def device_info(device:str)->dict:
    info = dict(device=device, torch=torch.__version__, python=platform.python_version(), platform=platform.platform(),
                date=datetime.datetime.now().isoformat(timespec='seconds'))
    if device.startswith('cuda'):
        info.update(device_name=torch.cuda.get_device_name(), cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version())
    else:
        model = cpu_model()
        info.update(device_name=model, threads=torch.get_num_threads(), mkldnn=torch.backends.mkldnn.is_available())
    return info


def paper_table()->list:
    "Parameters and forward FLOPs of the paper's three networks at the paper's sizes (nothing runs)."
    rows = []
    for stage, spec in SIZES['paper'].items():
        with torch.device('meta'): net, cfg, flops = build(spec)
        rows.append(dict(stage=stage, network=spec['network'], size_xyz=spec['size_xyz'], parameters=count_parameters(net), gflop_forward=flops / 1e9))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu', help='cpu or cuda (default: cuda when available)')
    p.add_argument('--presets', nargs='+', choices=list(SIZES), default=None, help='default: small on CPU, small and paper on CUDA')
    p.add_argument('--repeats', type=int, default=None, help='timed runs per measurement (default 5 on CPU, 20 on CUDA)')
    p.add_argument('--bf16', action='store_true', help='CUDA: also time bfloat16 autocast')
    p.add_argument('--out', type=Path, default=Path(__file__).resolve().parent / 'results', help='folder for networks_<device>.json')
    a = p.parse_args(argv)
    device = a.device
    if device.startswith('cuda') and not torch.cuda.is_available(): sys.exit('--device cuda: no CUDA device is available')
    cuda = device.startswith('cuda')
    presets = a.presets or (['small', 'paper'] if cuda else ['small'])
    repeats = a.repeats or (20 if cuda else 5)
    if cuda: torch.backends.cudnn.benchmark = True

    print('paper sizes (analytic):')
    table = paper_table()
    for r in table:
        print(f"  {r['stage']} {r['network']:5s} {'x'.join(map(str, r['size_xyz'])):>10s}: {r['parameters']:>10,d} parameters, {r['gflop_forward']:8.1f} GFLOP forward")

    info = device_info(device)
    print(f"\ntiming on {info['device_name']} ({device}, torch {info['torch']}" + (f", {info['threads']} threads" if not cuda else '') + ')')
    runs = []
    variants = [('float32', None)]
    if cuda and a.bf16: variants.append(('bfloat16', None))
    if not cuda: variants = [('float32', True), ('float32', False)]  # oneDNN (PyTorch's default) and PyTorch's own kernels
    for preset in presets:
        for stage, spec in SIZES[preset].items():
            for dtype, mkldnn in variants:
                with onednn(mkldnn):
                    r = time_network(spec, device, repeats, dtype)
                r.update(preset=preset, stage=stage)
                if mkldnn is not None: r['mkldnn'] = mkldnn
                runs.append(r)
                print(f"  {preset:5s} {stage} {spec['network']:5s} {'x'.join(map(str, spec['size_xyz'])):>10s} {dtype}"
                      + (f" oneDNN {'on ' if mkldnn else 'off'}" if mkldnn is not None else '')
                      + f": forward {r['forward_s_median'] * 1e3:8.1f} ms, forward+backward {r['forward_backward_s_median'] * 1e3:8.1f} ms"
                      + f" ({r['train_step_tflops'] * 1e3:.1f} GFLOP/s)" + (f", peak {r['peak_memory_gib']:.2f} GiB" if 'peak_memory_gib' in r else ''), flush=True)

    slug = 'cpu' if not cuda else 'cuda-' + re.sub(r'[^a-z0-9]+', '-', info['device_name'].lower()).strip('-')
    path = a.out / f'networks_{slug}.json'
    result = dict(info=info, sizes=SIZES, repeats=repeats, paper_analytic=table, runs=runs,
                  notes='times in seconds, batch 1, train mode (dropout on); forward_backward includes the loss and zero_grad; '
                        'gflop_forward = 2 x multiply-adds of convolutions (and cubic upsampling); train_step_tflops counts a step as 3 x forward')
    atomic_write(path, lambda tmp: tmp.write_text(json.dumps(result, indent=1) + '\n'), overwrite=True)
    print(f'\nwrote {path}')


if __name__ == '__main__':
    main()
