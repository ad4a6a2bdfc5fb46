"""Time the cascade (vseg-predict's work) per CT, split by stage and part, and measure its peak memory.

Cases: the six data_samples phantoms and one large phantom of 512 x 512 x 600 voxels at 0.7 mm (a whole torso, L1-L5
and sacrum; 157 million voxels, written as int16 NIfTI like a clinical CT). Each case runs in a fresh process that
loads the models, reads the CT, runs stages 1-3 (`vertebrae_seg.cascade.run_cascade`) and writes the outputs
(label map, centroid JSON, overview PNG), so that its peak resident memory (VmHWM) is that case's alone.
Parts: read, prepare (reorientation; each stage's smoothing into a tensor), network (crop sampling and the forward
passes), post (stage-1 readout, stage-2 decoding and sequence search, stage-3 merge), restore (back to the input's
grid), write. Targets for the large CT: at most 4 GB of host memory on the CPU, 8 GB of GPU memory on a GPU.
Writes benchmarks/results/cascade_<device>.json.

    python benchmarks/bench_cascade.py [--model_dir data_samples/models/small] [--device cpu] [--no-large]
"""
import argparse, json, resource, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LARGE_SIZE_XYZ, LARGE_SPACING_MM, HOST_TARGET_GB, GPU_TARGET_GB = (512, 512, 600), 0.7, 4.0, 8.0


def peak_rss_gb() -> float:
    "This process's peak resident memory, GB: VmHWM, which starts afresh at exec (ru_maxrss would carry the parent's peak)."
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmHWM:'): return int(line.split()[1]) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20   # not Linux: ru_maxrss (kB on Linux, bytes on macOS)


def one_case(image: str, model_dir: str, device: str) -> dict:
    "Run one case in this process and report its times and memory (called in a child process)."
    import torch
    from vertebrae_seg import data
    from vertebrae_seg.cascade import load_models, run_cascade, write_prediction
    rss = peak_rss_gb
    models = load_models(model_dir, device)
    base = rss()
    if device.startswith('cuda'): torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter(); ct = data.read_image(image); t_read = time.perf_counter() - t0
    res = run_cascade(models, ct, device=device, name=Path(image).name)
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter(); write_prediction(res, ct, d, 'case'); t_write = time.perf_counter() - t0
    seconds = dict(read=t_read, **res.seconds, write=t_write)
    out = dict(case=Path(image).name, size_xyz=list(ct.GetSize()), spacing_mm=[round(s, 3) for s in ct.GetSpacing()],
               mvox=round(ct.GetNumberOfPixels() / 1e6, 1), vertebrae=len(res.centroids_xyz_mm),
               seconds={k: round(v, 3) for k, v in seconds.items()}, total_s=round(sum(seconds.values()), 2),
               by_stage={st: round(sum(v for k, v in seconds.items() if k.startswith(st)), 3) for st in ('stage1', 'stage2', 'stage3')},
               peak_rss_gb=round(rss(), 3), rss_after_loading_models_gb=round(base, 3), threads=torch.get_num_threads())
    if device.startswith('cuda'): out['peak_gpu_gb'] = round(torch.cuda.max_memory_allocated() / 2**30, 3)
    return out


def large_phantom(path: Path) -> dict:
    "Write the 512 x 512 x 600 @ 0.7 mm phantom CT."
    from vertebrae_seg import data
    from vertebrae_seg.phantoms import make_phantom
    t0 = time.perf_counter()
    ph = make_phantom(7, labels=[20, 21, 22, 23, 24, 26], spacing_xyz_mm=(LARGE_SPACING_MM,) * 3, size_xyz=LARGE_SIZE_XYZ, orientation='RAS', fov='torso')
    data.write_image(ph.ct, path)
    return dict(seconds=round(time.perf_counter() - t0, 1), labels=ph.info['labels'])


def main(argv=None):
    p = argparse.ArgumentParser(description='Time the cascade per CT (by stage and part) and measure its peak memory.')
    p.add_argument('--model_dir', default=str(ROOT / 'data_samples' / 'models' / 'small'), help='model folder (spine.pt, vertebrae.pt, segmentation.pt)')
    p.add_argument('--device', default='cpu', help='cpu or cuda; default cpu')
    p.add_argument('--no-large', action='store_true', help='skip the 512 x 512 x 600 case')
    p.add_argument('--large-only', action='store_true', help='only the 512 x 512 x 600 case')
    p.add_argument('--out', type=Path, help='result JSON; default benchmarks/results/cascade_<device>.json')
    p.add_argument('--one', help=argparse.SUPPRESS)   # the child process: run one case, print its JSON
    a = p.parse_args(argv)
    if a.one: print(json.dumps(one_case(a.one, a.model_dir, a.device))); return
    sys.path.insert(0, str(Path(__file__).parent))
    from _machine import cpu_model, load_average, run_record, write_result
    load = load_average()
    images = [] if a.large_only else sorted(str(f) for f in (ROOT / 'data_samples').glob('phantom-*/*_ct.nii.gz'))
    dev = f'CPU: {cpu_model()}'
    if a.device.startswith('cuda'):
        import torch
        dev = f'GPU: {torch.cuda.get_device_name()} (host {cpu_model()})'
    out = a.out or Path(__file__).resolve().parent / 'results' / f"cascade_{a.device.split(':')[0]}.json"
    with tempfile.TemporaryDirectory() as d:
        made = None
        if not a.no_large:  # the large case first: the one the targets are about
            made = large_phantom(Path(d) / 'large-512x512x600_ct.nii.gz'); images.insert(0, str(Path(d) / 'large-512x512x600_ct.nii.gz'))
            print(f'large phantom written in {made["seconds"]} s (labels {made["labels"]})', flush=True)
        cases = []
        for im in images:
            r = subprocess.run([sys.executable, __file__, '--one', im, '--model_dir', a.model_dir, '--device', a.device], capture_output=True, text=True)
            if r.returncode: sys.exit(f'{im}: failed\n{r.stderr[-3000:]}')
            c = json.loads(r.stdout.strip().splitlines()[-1]); cases.append(c)
            print(f"{c['case']}: {c['mvox']} Mvox, {c['vertebrae']} vertebrae, {c['total_s']:.2f} s (stages {c['by_stage']}), "
                  f"peak RSS {c['peak_rss_gb']:.2f} GB" + (f", GPU {c['peak_gpu_gb']:.2f} GB" if 'peak_gpu_gb' in c else ''), flush=True)
            large = [c for c in cases if c['case'].startswith('large')]  # written after every case: a run cut short keeps what it measured
            res = dict(benchmark='the cascade (stages 1-3, reading and writing) per CT, one process per case', device=dev, model_dir=a.model_dir,
                       cases=cases, large_phantom=made, host_target_gb=HOST_TARGET_GB,
                       large_within_host_target=(large[0]['peak_rss_gb'] <= HOST_TARGET_GB) if large else None, **run_record(load))
            if large and 'peak_gpu_gb' in large[0]: res.update(gpu_target_gb=GPU_TARGET_GB, large_within_gpu_target=large[0]['peak_gpu_gb'] <= GPU_TARGET_GB)
            write_result(res, out)
    print(f'{dev}; load average before {load}; wrote {out}')


if __name__ == '__main__': main()
