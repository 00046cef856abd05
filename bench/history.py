"""`task list --limit 1` and `task show ID` on a long history against an empty home.

Usage: python3 bench/history.py [LINES] [RUNS]   (defaults 100000 and 15)
       AGENTRY_BASELINE=/path/to/older/agentry python3 bench/history.py   (the older build too)

Seeds a home with LINES history lines (one real task's line, repeated with fresh task
ids), then times, alternating with the same command in a home with one task:
`task list --limit 1`, `task show` of the newest task and `task show` of the oldest
(the whole file is walked for that one), and a one-shot task on the mock provider (each
history line has its body file, as after that many real tasks, so a task that listed the
bodies folder would show it). Peak RSS from GNU time where it is installed.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LINES = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 15
BIN = os.path.join(ROOT, "target", "release", "agentry")


def home(work, name, binary, lines):
    path = os.path.join(work, name)
    os.makedirs(path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTRY_")}
    env.update(AGENTRY_HOME=path, AGENTRY_PROVIDERS=os.path.join(path, "providers.toml"))
    open(env["AGENTRY_PROVIDERS"], "w").close()
    subprocess.run([binary, "task", "run", "--persona", "examples/code-reviewer", "--provider", "mock", "seed",
                    "--no-stdin", "-q"], env=env, check=True, stdout=subprocess.DEVNULL)
    history = os.path.join(path, "history.jsonl")
    line = open(history).readline()
    record = json.loads(line)
    ids = [record["task_id"]]
    if lines > 1:
        body = open(os.path.join(path, "bodies", f"{record['task_id']}.json")).read()
        with open(history, "w") as f:
            for n in range(lines):
                record["task_id"] = f"tk_{n:016x}"
                f.write(json.dumps(record, separators=(",", ":")) + "\n")
                with open(os.path.join(path, "bodies", f"tk_{n:016x}.json"), "w") as b:
                    b.write(body)
        ids = [f"tk_{0:016x}", f"tk_{lines - 1:016x}"]
    return env, ids


def timed(cmd, env):
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000.0


def rss(cmd, env):
    if not os.path.exists("/usr/bin/time"):
        return float("nan")
    run = subprocess.run(["/usr/bin/time", "-v"] + cmd, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1)) / 1024


def compare(label, cmd_long, env_long, cmd_short, env_short):
    for _ in range(2):
        timed(cmd_long, env_long)
        timed(cmd_short, env_short)
    a, b = [], []
    for _ in range(RUNS):
        a.append(timed(cmd_long, env_long))
        b.append(timed(cmd_short, env_short))
    la, lb = statistics.median(a), statistics.median(b)
    print(f"{label}: {la:.1f} ms vs {lb:.1f} ms in a one-task home, +{la - lb:.1f} ms; "
          f"peak RSS {rss(cmd_long, env_long):.1f} MiB ({RUNS} alternating runs)")


def run_for(binary, work, tag):
    long_env, (oldest, newest) = home(work, f"long-{tag}", binary, LINES)
    short_env, (only,) = home(work, f"short-{tag}", binary, 1)
    compare(f"[{tag}] task list --limit 1, {LINES} lines", [binary, "task", "list", "--limit", "1"], long_env,
            [binary, "task", "list", "--limit", "1"], short_env)
    compare(f"[{tag}] task show (newest), {LINES} lines", [binary, "task", "show", newest], long_env,
            [binary, "task", "show", only], short_env)
    compare(f"[{tag}] task show (oldest), {LINES} lines", [binary, "task", "show", oldest], long_env,
            [binary, "task", "show", only], short_env)
    task = [binary, "task", "run", "--persona", "examples/code-reviewer", "--provider", "mock", "x", "--no-stdin", "-q"]
    compare(f"[{tag}] one-shot task, {LINES} lines and bodies", task, long_env, task, short_env)


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="agentry-history-")
    try:
        run_for(BIN, work, "this build")
        baseline = os.environ.get("AGENTRY_BASELINE")
        if baseline:
            run_for(baseline, work, "baseline")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
