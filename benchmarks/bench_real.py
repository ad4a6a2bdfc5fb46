"""Score model folders on the real CT crops beside the repository (../shared/data/verse), with VerSe's rules.

For each model folder (spine.pt, vertebrae.pt, segmentation.pt) and each real sample (`data.REAL_SAMPLES`:
sub-verse012, T10-L3 with 3 mm sagittal slices; the TPTBox crop, L2-L4 at 1.5 mm), it runs the cascade as
`vseg-predict` does and scores identification (20 mm), localization distance and Dice per vertebra on the CT's own
grid; then stage 3 alone from the true centroids; and the labelling margin. Writes benchmarks/results/real_ct.json,
which `make_results.py` turns into a table of RESULTS.md.

The two crops are test data, not a validation set: the phantoms are tuned to realism and spread, never to them.

    python benchmarks/bench_real.py [--models NAME=DIR ...] [--note NAME=TEXT ...] [--out benchmarks/results/real_ct.json]
"""
import argparse, platform, time
from pathlib import Path

import numpy as np
import torch

from vertebrae_seg import data, metrics
from vertebrae_seg.cascade import load_models, run_cascade
from vertebrae_seg.data import SPINE_ORDER
from _machine import cpu_model, load_average, run_record, write_result

ROOT = Path(__file__).resolve().parents[1]
ORDER = SPINE_ORDER + [26]  # labels top to bottom, the sacrum last


def score(models, name:str)->dict:
    "The cascade and stage 3 from the true centroids on one real sample."
    ct, mask, gt = data.real_sample(name)
    t0 = time.perf_counter(); res = run_cascade(models, ct, name=name); secs = time.perf_counter() - t0
    per_v, scan = metrics.evaluate_case(mask, res.labels, gt, res.centroids_xyz_mm, name)
    per_v3, _ = metrics.evaluate_case(mask, run_cascade(models, ct, landmarks_xyz_mm=gt, name=name).labels, gt, gt, name)
    m = res.localization.margin if res.localization is not None else None
    names = lambda labs: [data.VERTEBRA_NAMES[l] for l in sorted(labs, key=ORDER.index)]
    return dict(truth=names(gt), found=names(res.centroids_xyz_mm), hits=int(scan['hits']), n_gt=int(scan['n_gt_centroids']),
                id_rate=float(scan['id_rate']), mld_mm=float(scan['mld_mm']), mean_dice=float(scan['mean_dice']),
                dice={r.vertebra: round(float(r.dice), 3) for r in per_v.itertuples()},
                dice_from_truth={r.vertebra: round(float(r.dice), 3) for r in per_v3.itertuples()},
                mean_dice_from_truth=float(per_v3.dice.mean()), relative_margin=None if m is None else float(m.relative),
                found_xyz_mm={data.VERTEBRA_NAMES[l]: np.round(p, 1).tolist() for l, p in res.centroids_xyz_mm.items()}, seconds=round(secs, 2))


def main(argv=None):
    p = argparse.ArgumentParser(description='Score model folders on the real CT crops beside the repository.')
    p.add_argument('--models', nargs='+', default=[f'shipped={ROOT / "data_samples" / "models" / "small"}'], metavar='NAME=DIR',
                   help='model folders to score, each as NAME=DIR (default: the shipped small models)')
    p.add_argument('--note', nargs='*', default=[], metavar='NAME=TEXT', help='a note per model folder: what it is, how it was trained')
    p.add_argument('--out', type=Path, default=Path(__file__).resolve().parent / 'results' / 'real_ct.json', help='result JSON')
    a = p.parse_args(argv)
    if data.shared_verse_dir() is None: raise SystemExit('../shared/data/verse not found beside the repository: nothing to score')
    load = load_average()
    torch.set_num_threads(2)
    out, notes = {}, dict(n.partition('=')[::2] for n in a.note)
    for spec in a.models:
        name, _, folder = spec.partition('=')
        if not folder: raise SystemExit(f'--models {spec!r}: give NAME=DIR')
        models = load_models(Path(folder), 'cpu')
        out[name] = dict(folder=str(folder), note=notes.get(name, ''), samples={s: score(models, s) for s in data.REAL_SAMPLES})
        for s, r in out[name]['samples'].items():
            print(f"{name} / {s}: found {' '.join(r['found'])} (truth {' '.join(r['truth'])}), identified {r['hits']}/{r['n_gt']}, "
                  f"localization {r['mld_mm']:.1f} mm, Dice {r['mean_dice']:.3f}; stage 3 from the true centroids {r['mean_dice_from_truth']:.3f}; "
                  f"relative margin {r['relative_margin']}")
    res = dict(benchmark='model folders on the real CT crops of ../shared/data/verse (VerSe rules)', device=f'CPU: {cpu_model()}',
               models=out, versions=dict(python=platform.python_version(), torch=torch.__version__), **run_record(load))
    write_result(res, a.out)
    print(f'wrote {a.out}')
    return res


if __name__ == '__main__': main()
