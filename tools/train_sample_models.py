#!/usr/bin/env python
"""Train the small-preset models shipped in data_samples/models/small/ (spine.pt, vertebrae.pt, segmentation.pt).

The recipe is the one chapters 04_stage1, 05_stage2 and 06_stage3 teach (05 trains it at half length, 06 for a few
steps): 40 phantoms of seed 100 (`vseg-phantoms --n 40 --seed 100 --max-mvox 1.5`), the small presets, on the CPU; stage 2
trains around the spine centres of the stage-1 model in the output folder (trained first when both are asked for).
Usage: python tools/train_sample_models.py [--stages spine vertebrae segmentation]
"""
import argparse, shutil, tempfile, time
from pathlib import Path

import torch

from vertebrae_seg import data, phantoms
from vertebrae_seg.sampling import load_cases
from vertebrae_seg.stage1 import stage1_config, train_stage1
from vertebrae_seg.stage2 import stage2_config, train_stage2
from vertebrae_seg.stage3 import stage3_config, train_stage3
from vertebrae_seg.train import spine_centres

STAGES = dict(spine=(stage1_config, train_stage1), vertebrae=(stage2_config, train_stage2), segmentation=(stage3_config, train_stage3))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--stages', nargs='+', default=list(STAGES), choices=list(STAGES))
    p.add_argument('--out', type=Path, default=Path(__file__).resolve().parents[1] / 'data_samples' / 'models' / 'small')
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix='vseg-sample-models-'))
    phantoms.write_phantom_dataset(work / 'train', n=40, seed=100, max_mvox=1.5, verbose=False)
    table = data.read_dataset_csv(work / 'train' / 'dataset.csv')
    a.out.mkdir(parents=True, exist_ok=True)
    for stage in a.stages:
        make_config, train_stage = STAGES[stage]
        cfg, masks = make_config('small'), stage == 'segmentation'
        train = load_cases(table[table.type != 'val'], cfg.smooth_sigma_mm, with_mask=masks, progress=False)
        val = load_cases(table[table.type == 'val'], cfg.smooth_sigma_mm, with_mask=masks, progress=False)
        if stage == 'vertebrae':  # the crops go where stage 1 puts the spine
            centres, missed = spine_centres(table, a.out / 'spine.pt', progress=False)
            if missed: raise SystemExit('stage 1 found no spine in: ' + '; '.join(missed))
            for c in train + val: c.spine_xyz_mm = centres[c.name]
        t0 = time.time()
        run = train_stage(train, val, cfg, work / stage, device='cpu')
        shutil.copyfile(work / stage / 'best.pt', a.out / f'{stage}.pt')
        print(f'{stage}: {cfg.train.iterations} iterations in {time.time() - t0:.0f} s, best {run.best} -> {a.out / (stage + ".pt")}')
    shutil.rmtree(work)

if __name__ == '__main__': main()
