"""vseg-demo over seeds and training recipes: accuracy on the held-out phantoms and minutes, one demo per (recipe, seed).

A recipe changes the training settings of the small presets (steps, learning rate, schedule, warm-up, batch size) and
nothing else: the phantom sets stay those of vseg-demo (DEMO_SEEDS), the seed is the training seed of the three runs
(initial weights and crops, `vseg-demo --seed`). Each demo runs in its own process, as `vseg-demo` would, and its
report/summary.json is kept in the result. The worst of the seeds is what a student can count on.

    python benchmarks/bench_demo.py --recipes preset cosine --seeds 0 1 2 [--work DIR] [--label TEXT]

Instruction sets can be capped for a run (ONEDNN_MAX_CPU_ISA, as benchmarks/profile_steps.py explains) to see a CPU
without AMX on one with it; --isa does that for every demo of the call.
Writes benchmarks/results/demo_<cpu>.json (runs merged by recipe, seed and instruction set).
"""
from __future__ import annotations
import argparse, json, os, shutil, subprocess, sys, tempfile
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
# stage -> TrainConfig fields changed from the small preset (iterations as a factor of the preset's, 'steps_x')
RECIPES = {
    'preset': dict(note="the small presets as they ship"),
    'cosine': dict(note="each stage: linear warm-up over 5 % of its steps, then a cosine from the preset's lr down to 1 % of it",
                   spine=dict(lr_schedule='cosine', lr_steps=(), warmup=0.05), vertebrae=dict(lr_schedule='cosine', lr_steps=(), warmup=0.05),
                   segmentation=dict(lr_schedule='cosine', lr_steps=(), warmup=0.05)),
    'cosine-2x-lr': dict(note="'cosine' with twice the preset's peak learning rate",
                         spine=dict(lr_schedule='cosine', lr_steps=(), warmup=0.05, lr_x=2.0),
                         vertebrae=dict(lr_schedule='cosine', lr_steps=(), warmup=0.05, lr_x=2.0),
                         segmentation=dict(lr_schedule='cosine', lr_steps=(), warmup=0.05, lr_x=2.0)),
}


def apply_recipe(name:str):
    "Change the small presets in this process as the recipe says; returns the changed training configs as text."
    from vertebrae_seg import train  # noqa: F401 (importing it registers the three stages)
    from vertebrae_seg.stages import STAGES
    out = {}
    for stage, rec in STAGES.items():
        presets = rec.presets
        over = dict(RECIPES[name].get(stage, {}))
        if not over: continue
        cfg = presets['small']; tc = cfg.train
        if 'lr_x' in over: over['lr'] = tc.lr * over.pop('lr_x')
        if 'steps_x' in over: over['iterations'] = round(tc.iterations * over.pop('steps_x'))
        presets['small'] = replace(cfg, train=replace(tc, **over))
        out[stage] = str(presets['small'].train)
    return out


def child(a)->dict:
    "One demo in this process (the recipe applied first); its summary."
    changed = apply_recipe(a.recipe)
    from vertebrae_seg.demo import run_demo
    s = run_demo(a.work, device='cpu', overwrite=True, progress=False, seed=a.seed)
    return dict(summary=s, changed=changed)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--recipes', nargs='+', default=['preset'], choices=list(RECIPES))
    p.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    p.add_argument('--isa', default=None, help='cap oneDNN at this instruction set (e.g. AVX512_CORE_BF16); default: the CPU\'s own')
    p.add_argument('--work', type=Path, default=None, help='keep the demo folders here (default: a temporary folder, removed)')
    p.add_argument('--label', default='', help='a note on this state of the code')
    p.add_argument('--out', type=Path, default=None, help='result JSON (default benchmarks/results/demo_<cpu>.json)')
    p.add_argument('--child', action='store_true', help=argparse.SUPPRESS); p.add_argument('--recipe', help=argparse.SUPPRESS)
    p.add_argument('--seed', type=int, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child:
        a.work = Path(a.work); print(json.dumps(child(a))); return
    sys.path.insert(0, str(HERE))
    from _machine import load_average, run_record, write_result
    from vertebrae_seg.training import cpu_isa, cpu_model
    tag = 'cpu-amx' if cpu_isa() == 'AMX' else 'cpu'
    out = a.out or HERE / 'results' / f'demo_{tag}.json'
    old = json.loads(out.read_text()) if out.exists() else {}
    runs = [r for r in old.get('runs', []) if 'recipe' in r]  # rows of this script (older hand-collected rows are dropped)
    env = dict(os.environ, **({'ONEDNN_MAX_CPU_ISA': a.isa} if a.isa else {}))
    work = a.work or Path(tempfile.mkdtemp(prefix='bench_demo-'))
    try:
        for recipe in a.recipes:
            for seed in a.seeds:
                d = work / f'{recipe}-s{seed}'
                load = load_average()
                r = subprocess.run([sys.executable, __file__, '--child', '--recipe', recipe, '--seed', str(seed), '--work', str(d)],
                                   capture_output=True, text=True, env=env, encoding='utf-8', errors='replace')
                if r.returncode: sys.exit(f'{recipe} seed {seed}: failed\n{r.stderr[-3000:]}')
                res = json.loads(r.stdout.strip().splitlines()[-1])
                s, m = res['summary'], res['summary']['metrics']
                isa = s['cpu_isa']
                runs = [x for x in runs if (x['recipe'], x['seed'], x['cpu_isa']) != (recipe, seed, isa)]
                runs.append(dict(recipe=recipe, seed=seed, cpu_isa=isa, label=a.label, note=RECIPES[recipe]['note'], changed=res['changed'],
                                 load_avg_before=load, summary=s))
                print(f"{recipe:14s} seed {seed} ({isa}, {s['training_precision']}): identified {m['id_rate']:.3f}, {m['mld_mm']:.2f} mm, "
                      f"Dice {m['dice']:.3f}, {s['seconds']['total'] / 60:.1f} min", flush=True)
                write_result(dict(benchmark='vseg-demo (40 training, 6 validation, 12 held-out test phantoms; small presets) per training recipe and seed',
                                  device=f'CPU: {cpu_model()}', targets='identification >= 0.95, localization <= 3 mm, Dice >= 0.85, at most 10 minutes',
                                  runs=runs, **run_record(load)), out)
    finally:
        if a.work is None: shutil.rmtree(work, ignore_errors=True)
    print(f'wrote {out}')


if __name__ == '__main__': main()
