"""What every benchmark records about the machine it ran on."""
import os
from pathlib import Path

from vertebrae_seg.training import cpu_model  # noqa: F401 (the benchmarks' CPU name, as the demo report gives it)


def pin_one_core() -> str:
    "Pin this process to one CPU core where the OS allows it; say which."
    try:
        core = min(os.sched_getaffinity(0)); os.sched_setaffinity(0, {core}); return f'pinned to core {core}'
    except (AttributeError, OSError): return 'not pinned (one thread)'


def load_average() -> float | None:
    "The 1-minute load average (taken before timing, to judge how quiet the machine was)."
    return round(os.getloadavg()[0], 2) if hasattr(os, 'getloadavg') else None


def run_record(load_before: float | None) -> dict:
    "Load before the run, core count and UTC time, for the result JSON."
    import datetime
    return dict(load_avg_1min=load_before, cpus=os.cpu_count(),
                date_utc=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))


def write_result(res: dict, path: Path) -> None:
    "Write a result JSON atomically (temporary file + rename)."
    import json
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + '.tmp'); tmp.write_text(json.dumps(res, indent=1) + '\n'); os.replace(tmp, path)
