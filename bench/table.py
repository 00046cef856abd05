"""Tables are linear in a value's length: time `agentry provider list` with a model name
of 4 MB and of 20 MB. A linear table takes about 5x as long for 5x the bytes; the
quadratic one it replaces took 3.5 s and over a minute (ratio ~20x). `cat` of the same
providers file, run alternately, is the reference for what reading the bytes costs.

Usage: python3 bench/table.py [RUNS]   (default 5)
       AGENTRY_BASELINE=/path/to/older/agentry python3 bench/table.py [RUNS]
       (also times the older build on the 4 MB file, side by side)
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
BIN = os.path.join(ROOT, "target", "release", "agentry")


def median_ms(cmd, env, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def home(work, megabytes):
    path = os.path.join(work, f"home-{megabytes}")
    os.makedirs(path)
    providers = os.path.join(path, "providers.toml")
    with open(providers, "w") as f:
        f.write('[providers.big]\ntype = "local"\nendpoint = "http://127.0.0.1:9/v1"\n')
        f.write(f'model = "{"m" * (megabytes * 1024 * 1024)}"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTRY_")}
    env.update(AGENTRY_HOME=path, AGENTRY_PROVIDERS=providers)
    return env, providers


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="agentry-table-")
    try:
        results = {}
        for megabytes in (4, 20):
            env, providers = home(work, megabytes)
            listing = median_ms([BIN, "provider", "list"], env, RUNS)
            reading = median_ms(["cat", providers], env, RUNS)
            results[megabytes] = listing
            print(f"provider list, a {megabytes} MB value: {listing:.0f} ms (cat of the file: {reading:.0f} ms; "
                  f"median of {RUNS})")
        print(f"20 MB / 4 MB: {results[20] / results[4]:.1f}x (5x is linear, 25x quadratic)")
        baseline = os.environ.get("AGENTRY_BASELINE")
        if baseline:
            env, _ = home(tempfile.mkdtemp(dir=work), 4)
            old = median_ms([baseline, "provider", "list"], env, max(1, RUNS // 2))
            print(f"baseline build, the 4 MB value: {old:.0f} ms ({old / results[4]:.1f}x this build)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
