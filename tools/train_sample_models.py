#!/usr/bin/env python
"""Train the small-preset models shipped in data_samples/models/small/ (stage 1: spine.pt, stage 2: vertebrae.pt).

The recipe is the one chapters 04_stage1 and 05_stage2 run: 40 phantoms of seed 100 (`vseg-phantoms --n 40 --seed 100
--max-mvox 1.5`), the small presets, on the CPU. Usage: python tools/train_sample_models.py [--stages spine vertebrae]
"""
import argparse, shutil, tempfile, time
from pathlib import Path

import torch

from vertebrae_seg import data, phantoms
from vertebrae_seg.sampling import load_cases
from vertebrae_seg.stage1 import stage1_config, train_stage1
from vertebrae_seg.stage2 import stage2_config, train_stage2

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--stages', nargs='+', default=['spine', 'vertebrae'], choices=['spine', 'vertebrae'])
    p.add_argument('--out', type=Path, default=Path(__file__).resolve().parents[1] / 'data_samples' / 'models' / 'small')
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix='vseg-sample-models-'))
    phantoms.write_phantom_dataset(work / 'train', n=40, seed=100, max_mvox=1.5, verbose=False)
    table = data.read_dataset_csv(work / 'train' / 'dataset.csv')
    a.out.mkdir(parents=True, exist_ok=True)
    for stage in a.stages:
        cfg = stage1_config('small') if stage == 'spine' else stage2_config('small')
        train = load_cases(table[table.type != 'val'], cfg.smooth_sigma_mm, progress=False)
        val = load_cases(table[table.type == 'val'], cfg.smooth_sigma_mm, progress=False)
        t0 = time.time()
        run = (train_stage1 if stage == 'spine' else train_stage2)(train, val, cfg, work / stage, device='cpu')
        shutil.copyfile(work / stage / 'best.pt', a.out / f'{stage}.pt')
        print(f'{stage}: {cfg.train.iterations} iterations in {time.time() - t0:.0f} s, best {run.best} -> {a.out / (stage + ".pt")}')
    shutil.rmtree(work)

if __name__ == '__main__': main()
