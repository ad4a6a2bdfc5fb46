"""Time HD95 + ASSD (`vertebrae_seg.metrics.surface_metrics`) on a 512 x 512 x 300 pair of masks, one CPU core.

Three pairs of masks on a 512 x 512 x 300 grid with CT-like anisotropic voxels (0.7 x 0.7 x 1.0 mm, x y z):
  vertebra:  one lumbar vertebra of a synthetic spine CT (vertebrae_seg.phantoms) against a copy moved by one voxel
             along x and z and eroded by one voxel (the per-vertebra case of an evaluation);
  spine:     the whole spine of that CT (every vertebra as one mask), perturbed the same way;
  worst:     two ellipsoids spanning 80% of the grid on every axis, the second shifted and shrunk: the bounding box is
             almost the whole volume and each surface has about a million voxels.
The first two are the evaluation's own cases; the third is a stress test far beyond a spine.
Ours: median of --runs timed calls of surface_metrics (HD, HD95 and ASSD from one computation of the surface
distances) after one warm-up. Also timed once: the same on the bounding box with scipy's distance transform
(method='edt'), and medpy's whole-volume hd95 + assd (medpy.metric.binary, two calls of two distance transforms each),
whose values are compared with ours. Target: at most 2 s for HD95 + ASSD. Writes benchmarks/results/metrics_cpu.json.

    python benchmarks/bench_metrics.py [--runs 5] [--no-medpy] [--pin] [--out benchmarks/results/metrics_cpu.json]
"""
import os

for _var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMEXPR_NUM_THREADS', 'VECLIB_MAXIMUM_THREADS'):
    os.environ[_var] = '1'   # one thread for numpy/scipy before any of them is imported

import argparse, platform, statistics, time
from pathlib import Path

import numpy as np
import scipy
import SimpleITK as sitk
from scipy import ndimage

sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)

from vertebrae_seg.metrics import bounding_box, surface, surface_metrics
from vertebrae_seg.phantoms import make_phantom
from _machine import cpu_model, load_average, pin_one_core, run_record, write_result

SIZE_XYZ, SPACING_XYZ_MM, TARGET_S = (512, 512, 300), (0.7, 0.7, 1.0), 2.0
SPACING_ZYX_MM = SPACING_XYZ_MM[::-1]


def perturbed(mask: np.ndarray) -> np.ndarray:
    "A plausible imperfect prediction: moved by one voxel along x and z (array axes 2 and 0) and eroded by one voxel."
    out = np.zeros_like(mask)
    out[1:, :, 1:] = mask[:-1, :, :-1]
    return ndimage.binary_erosion(out)


def mask_pairs() -> dict:
    "The three pairs (gt, pred), (z, y, x) bool arrays of 512 x 512 x 300 voxels."
    t0 = time.perf_counter()
    ph = make_phantom(0, labels=list(range(16, 25)), spacing_xyz_mm=SPACING_XYZ_MM, size_xyz=SIZE_XYZ, orientation='LPS', fov='torso')
    lab = sitk.GetArrayFromImage(ph.mask)
    print(f'phantom {SIZE_XYZ} made in {time.perf_counter() - t0:.1f} s, labels {ph.info["labels"]}')
    spine = lab > 0
    l1 = lab == 20
    nz, ny, nx = lab.shape
    z, y, x = np.ogrid[:nz, :ny, :nx]
    c, r = np.array(lab.shape) / 2, 0.4 * np.array(lab.shape)
    ell = lambda c, r: ((z - c[0]) / r[0]) ** 2 + ((y - c[1]) / r[1]) ** 2 + ((x - c[2]) / r[2]) ** 2 <= 1
    worst_gt, worst_pred = ell(c, r), ell(c + [2, 3, -2], r * 0.97)
    return {'vertebra (L1)': (l1, perturbed(l1)), 'spine (9 vertebrae as one mask)': (spine, perturbed(spine)),
            'worst (two ellipsoids, box = 82% of the volume)': (worst_gt, worst_pred)}


def main(argv=None):
    p = argparse.ArgumentParser(description='Time HD95 + ASSD on a 512 x 512 x 300 pair of masks on one CPU core, beside medpy.')
    p.add_argument('--runs', type=int, default=5, help='timed runs of ours per pair, after one warm-up (default 5)')
    p.add_argument('--no-medpy', action='store_true', help="skip medpy's whole-volume computation (minutes per pair)")
    p.add_argument('--pin', action='store_true', help='also pin the process to one CPU core')
    p.add_argument('--out', type=Path, default=Path(__file__).resolve().parent / 'results' / 'metrics_cpu.json', help='result JSON')
    a = p.parse_args(argv)
    pinned = pin_one_core() if a.pin else 'not pinned'
    load = load_average()
    cases = []
    for name, (g, pr) in mask_pairs().items():
        box = bounding_box(g | pr)
        box_vox = int(np.prod([s.stop - s.start for s in box]))
        n_surf = [int(surface(m[box]).sum()) for m in (g, pr)]
        surface_metrics(g, pr, SPACING_ZYX_MM)   # warm-up
        runs = []
        for _ in range(a.runs):
            t0 = time.perf_counter(); ours = surface_metrics(g, pr, SPACING_ZYX_MM); runs.append(round(time.perf_counter() - t0, 3))
        med = statistics.median(runs)
        t0 = time.perf_counter(); edt = surface_metrics(g, pr, SPACING_ZYX_MM, method='edt'); t_edt = time.perf_counter() - t0
        case = dict(case=name, gt_voxels=int(g.sum()), pred_voxels=int(pr.sum()), box_voxels=box_vox, box_fraction=round(box_vox / g.size, 4),
                    surface_voxels=n_surf, runs_s=runs, median_s=med, best_s=min(runs), within_target=med <= TARGET_S, edt_on_box_s=round(t_edt, 3),
                    values_mm={k: round(v, 6) for k, v in ours.items()},
                    max_abs_diff_edt_mm=max(abs(ours[k] - edt[k]) for k in ours))
        msg = f'{name}: box {box_vox / 1e6:.1f} Mvox, surfaces {n_surf}; ours {med:.2f} s (runs {runs}); on the box with the EDT {t_edt:.2f} s'
        if not a.no_medpy:
            from medpy.metric import binary as mb
            t0 = time.perf_counter()
            ref = dict(hd95_mm=mb.hd95(pr, g, SPACING_ZYX_MM), assd_mm=mb.assd(pr, g, SPACING_ZYX_MM))
            t_m = time.perf_counter() - t0
            case.update(medpy_s=round(t_m, 2), speedup_vs_medpy=round(t_m / med, 1), max_abs_diff_medpy_mm=max(abs(ours[k] - ref[k]) for k in ref))
            msg += f'; medpy {t_m:.1f} s ({t_m / med:.0f}x), largest difference {case["max_abs_diff_medpy_mm"]:.1e} mm'
        print(msg, flush=True)
        cases.append(case)
    from medpy import __version__ as medpy_version
    res = dict(benchmark='HD95 + ASSD (vertebrae_seg.metrics.surface_metrics) on a 512 x 512 x 300 pair of masks',
               device=f'CPU: {cpu_model()}', threads=1, affinity=pinned, size_xyz=SIZE_XYZ, spacing_xyz_mm=SPACING_XYZ_MM,
               target_s=TARGET_S, within_target={c['case']: c['within_target'] for c in cases}, cases=cases,
               medpy='medpy.metric.binary.hd95 + assd on the whole volume (voxelspacing = the same spacing), one run',
               versions=dict(python=platform.python_version(), numpy=np.__version__, scipy=scipy.__version__,
                             SimpleITK=sitk.Version_VersionString(), medpy=medpy_version),
               **run_record(load))
    write_result(res, a.out)
    print(f"{res['device']}, one thread ({pinned}; load average before {load}); target {TARGET_S:.0f} s; wrote {a.out}")
    return res


if __name__ == '__main__': main()
