"""What every benchmark records about the machine it ran on."""
import os, platform
from pathlib import Path


def cpu_model() -> str:
    "The CPU model name from /proc/cpuinfo (Linux), else what platform knows."
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.lower().startswith('model name'): return line.split(':', 1)[1].strip()
    except OSError: pass
    return platform.processor() or platform.machine()


def pin_one_core() -> str:
    "Pin this process to one CPU core where the OS allows it; say which."
    try:
        core = min(os.sched_getaffinity(0)); os.sched_setaffinity(0, {core}); return f'pinned to core {core}'
    except (AttributeError, OSError): return 'not pinned (one thread)'
