"""Time `vertebrae_seg.phantoms.make_phantom` on one CPU core.

The case: a phantom on a 1 mm grid of 200 x 200 x 300 voxels (12 million; forced size and spacing), one run per seed,
after one warm-up run. Target: at most 5 s per phantom. Writes the runs, their median and the CPU model to
benchmarks/results/phantoms_cpu.json.

    python benchmarks/bench_phantoms.py [--runs 5] [--out benchmarks/results/phantoms_cpu.json]
"""
import os

for _var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMEXPR_NUM_THREADS', 'VECLIB_MAXIMUM_THREADS'):
    os.environ[_var] = '1'   # one thread for numpy/scipy (and torch) before any of them is imported

import argparse, platform, statistics, time
from pathlib import Path

import numpy as np
import scipy
import SimpleITK as sitk

from vertebrae_seg.phantoms import make_phantom
from _machine import cpu_model, load_average, pin_one_core, run_record, write_result

SIZE_XYZ, SPACING_XYZ_MM, TARGET_S = (200, 200, 300), (1.0, 1.0, 1.0), 5.0


def main(argv=None):
    p = argparse.ArgumentParser(description='Time make_phantom for a 1 mm 200 x 200 x 300 phantom on one CPU core.')
    p.add_argument('--runs', type=int, default=5, help='timed runs (seeds 0..runs-1), after one warm-up run (default 5)')
    p.add_argument('--out', type=Path, default=Path(__file__).resolve().parent / 'results' / 'phantoms_cpu.json', help='result JSON')
    p.add_argument('--pin', action='store_true', help='also pin the process to one CPU core (on a busy machine this can be slower)')
    a = p.parse_args(argv)
    pinned = pin_one_core() if a.pin else 'not pinned'
    load = load_average()
    make_phantom(1000, spacing_xyz_mm=SPACING_XYZ_MM, size_xyz=SIZE_XYZ)   # warm-up: imports, caches
    runs = []
    for seed in range(a.runs):
        t0 = time.perf_counter()
        ph = make_phantom(seed, spacing_xyz_mm=SPACING_XYZ_MM, size_xyz=SIZE_XYZ)
        runs.append(dict(seed=seed, seconds=round(time.perf_counter() - t0, 3), labels=ph.info['labels'], fov=ph.info['fov']))
        assert ph.ct.GetNumberOfPixels() == int(np.prod(SIZE_XYZ))
        print(f"seed {seed}: {runs[-1]['seconds']:.2f} s ({len(ph.info['labels'])} vertebrae, {ph.info['fov']})")
    med = statistics.median(r['seconds'] for r in runs)
    res = dict(benchmark='make_phantom, 1 mm grid of 200 x 200 x 300 voxels', device=f'CPU: {cpu_model()}', threads=1, affinity=pinned,
               size_xyz=SIZE_XYZ, spacing_xyz_mm=SPACING_XYZ_MM, runs=runs, median_s=med, target_s=TARGET_S, within_target=med <= TARGET_S,
               versions=dict(python=platform.python_version(), numpy=np.__version__, scipy=scipy.__version__, SimpleITK=sitk.Version_VersionString()),
               **run_record(load))
    write_result(res, a.out)
    print(f"median {med:.2f} s on {res['device']} (one thread, {pinned}; load average before {res['load_avg_1min']}); target {TARGET_S:.0f} s; wrote {a.out}")
    return res


if __name__ == '__main__': main()
