"""Count the instructions of one task and of `agentry --version` with callgrind, which does
not depend on the machine's load, and time a task over `--version` in the same run.

Usage: python3 bench/instructions.py
       AGENTRY_BASELINE=/path/to/older/agentry python3 bench/instructions.py
       (counts the older build too, each in its own home, side by side)

The task is the bench task of bench.py: a spawned agent, one plain request, the answer
to /dev/null; the server is the Rust bench server (bench/server.rs, no added latency),
so the wall-clock difference is agentry's own work and the loopback round trip. Each count is taken twice (the second one is
reported; the first warms the server and the state folder). The wall-clock line is the
median of 40 alternating runs of the task and of `--version`, and their difference.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the server and homes of bench.py)


def instructions(cmd, env):
    out = tempfile.mktemp(prefix="callgrind-")
    result = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            check=True)
    os.unlink(out)
    match = re.search(r"Collected : (\d+)", result.stderr)
    return int(match.group(1))


def count(label, binary, env):
    task = [binary, "task", "run", "bench", "Say hello", "--no-stdin", "-q"]
    version = [binary, "--version"]
    instructions(task, env)
    counts = (instructions(task, env), instructions(version, env))
    print(f"{label}: task {counts[0]:,} instructions, --version {counts[1]:,} instructions")
    return counts


def main():
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "agentry", "--example", "bench-server"],
                   cwd=bench.ROOT, check=True)
    work = tempfile.mkdtemp(prefix="agentry-instructions-")
    port_file = os.path.join(work, "port")
    server_bin = os.path.join(bench.ROOT, "target", "release", "examples", "bench-server")
    server = subprocess.Popen([server_bin, port_file, "0"], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(port_file) and open(port_file).read():
                break
            time.sleep(0.05)
        url = f"http://127.0.0.1:{open(port_file).read().strip()}/v1"
        env = bench.home_with(work, "home", url, 0)
        mine = count("this build", bench.BIN, env)
        baseline = os.environ.get("AGENTRY_BASELINE")
        if baseline:
            bench.BIN, own = baseline, bench.BIN
            base_env = bench.home_with(work, "baseline-home", url, 0)
            bench.BIN = own
            theirs = count("baseline", baseline, base_env)
            print(f"ratio: task {mine[0] / theirs[0]:.2f}x, --version {mine[1] / theirs[1]:.2f}x")
        task = [bench.BIN, "task", "run", "bench", "Say hello", "--no-stdin", "-q"]
        version = [bench.BIN, "--version"]
        for _ in range(3):
            bench.timed(task, env)
            bench.timed(version, env)
        task_times, version_times = [], []
        for _ in range(40):
            task_times.append(bench.timed(task, env))
            version_times.append(bench.timed(version, env))
        t, v = statistics.median(task_times), statistics.median(version_times)
        print(f"wall clock: task median {t:.2f} ms, --version median {v:.2f} ms, a task costs {t - v:.2f} ms "
              f"over --version (40 alternating runs)")
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
