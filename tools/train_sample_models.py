#!/usr/bin/env python
"""Train the small-preset models shipped in data_samples/models/small/ (spine.pt, vertebrae.pt, segmentation.pt).

The networks and training settings are the small presets of chapters 04_stage1, 05_stage2 and 06_stage3, trained longer
and on more phantoms than the chapters train them, because these are the models a user runs on a real scan: 120
phantoms of seed 100 (`vseg-phantoms --n 120 --seed 100 --max-mvox 1.5`; the chapters' 40 are its first 40), stage 1
for 3x, stage 2 for 5x and stage 3 for 3x the preset's iterations (the learning-rate steps stay at the same fractions),
on the CPU. Stage 2 trains around the spine centres of the stage-1 model in the output folder (trained first when both
are asked for). About 25 minutes on two cores with bf16 (Intel AMX): phantoms 1.5, stages 1, 2, 3: 1, 14.5, 6 minutes.
Usage: python tools/train_sample_models.py [--stages spine vertebrae segmentation] [--n 120] [--out DIR]
"""
import argparse, json, shutil, tempfile, time
from dataclasses import replace
from pathlib import Path

from vertebrae_seg import data, phantoms
from vertebrae_seg.sampling import load_cases
from vertebrae_seg.stages import STAGES, stage_config, train_stage
from vertebrae_seg.train import spine_centres  # importing train registers the three stages

LONGER = dict(spine=3, vertebrae=5, segmentation=3)  # iterations x the small preset's

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--stages', nargs='+', default=list(STAGES), choices=list(STAGES))
    p.add_argument('--n', type=int, default=120, help='training phantoms (seed 100); 15 %% of them validate')
    p.add_argument('--out', type=Path, default=Path(__file__).resolve().parents[1] / 'data_samples' / 'models' / 'small')
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix='vseg-sample-models-'))
    t0 = time.time()
    phantoms.write_phantom_dataset(work / 'train', n=a.n, seed=100, max_mvox=1.5, verbose=False)
    print(f'{a.n} phantoms in {time.time() - t0:.0f} s')
    table = data.read_dataset_csv(work / 'train' / 'dataset.csv')
    a.out.mkdir(parents=True, exist_ok=True)
    for stage in a.stages:
        cfg, masks = stage_config(stage, 'small'), stage == 'segmentation'
        cfg = replace(cfg, train=replace(cfg.train, iterations=cfg.train.iterations * LONGER[stage],
                                         val_every=cfg.train.val_every * LONGER[stage]))
        train_rows, val_rows = data.split_dataset(table)  # cases typed test are never trained on
        train = load_cases(train_rows, cfg.smooth_sigma_mm, with_mask=masks, progress=False)
        val = load_cases(val_rows, cfg.smooth_sigma_mm, with_mask=masks, progress=False)
        if stage == 'vertebrae':  # the crops go where stage 1 puts the spine (the true centre where it finds none)
            centres, missed = spine_centres(table, a.out / 'spine.pt', progress=False)
            if missed: print(f'stage 1 found no spine in {len(missed)} case(s); their crops go around the true centre')
            for c in train + val: c.spine_xyz_mm = centres.get(c.name)
        t0 = time.time()
        run = train_stage(stage, train, val, cfg, work / stage, device='cpu')
        shutil.copyfile(work / stage / 'best.pt', a.out / f'{stage}.pt')
        print(f'{stage}: {cfg.train.iterations} iterations in {time.time() - t0:.0f} s, best {json.dumps(run.best, default=str)} -> {a.out / (stage + ".pt")}')
    shutil.rmtree(work)

if __name__ == '__main__': main()
