"""Time `agentry task run` against curl sending the same request to the same local server.

Usage: python3 bench/bench.py [RUNS]   (default 25; run from anywhere)
       AGENTRY_BASELINE=/path/to/older/agentry python3 bench/bench.py [RUNS]
       (also times the same task with an older build, each in its own home, to show a change
       costs nothing)

Both clients open a fresh connection per run, as a script would. The runs alternate
(agentry, curl, agentry, ...) so drift on a shared machine hits both alike. Reports
medians and the ratio, then the same for `agentry --version` beside `curl --version`.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 25
BIN = os.path.join(ROOT, "target", "release", "agentry")


def timed(cmd, env):
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000.0


def compare(label, a_cmd, b_cmd, env, b_env=None, names=("agentry", "curl")):
    b_env = b_env or env
    for _ in range(3):  # warm caches and the server
        timed(a_cmd, env)
        timed(b_cmd, b_env)
    a_times, b_times = [], []
    for _ in range(RUNS):
        a_times.append(timed(a_cmd, env))
        b_times.append(timed(b_cmd, b_env))
    a, b = statistics.median(a_times), statistics.median(b_times)
    print(f"{label}: {names[0]} median {a:.2f} ms, {names[1]} median {b:.2f} ms, ratio {a / b:.2f}x "
          f"({RUNS} alternating runs each)")
    return a / b


HISTORY_LINES = 200_000


def home_with(work, name, url, history_lines):
    """A home with the bench provider, an agent, and a history of `history_lines` lines."""
    home = os.path.join(work, name)
    os.makedirs(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTRY_")}
    # Named explicitly: a ./providers.toml in the working directory would win over the home's.
    env.update(AGENTRY_HOME=home, AGENTRY_PROVIDERS=os.path.join(home, "providers.toml"), NO_PROXY="127.0.0.1",
               BENCH_KEY="sk-bench")
    with open(env["AGENTRY_PROVIDERS"], "w") as f:
        f.write(f'[providers.bench]\ntype = "local"\nendpoint = "{url}"\nmodel = "bench-model"\n'
                f'api_key_env = "BENCH_KEY"\n')
    subprocess.run([BIN, "agent", "spawn", "bench", "--provider", "bench", "--persona", "examples/code-reviewer"],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if history_lines:
        subprocess.run([BIN, "task", "run", "bench", "seed", "-q", "--no-stdin"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(home, "history.jsonl")) as f:
            line = f.readline()
        with open(os.path.join(home, "history.jsonl"), "a") as f:
            f.write(line * (history_lines - 1))
    return env


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="agentry-bench-")
    port_file = os.path.join(work, "port")
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "server.py"), port_file])
    try:
        for _ in range(100):
            if os.path.exists(port_file) and open(port_file).read():
                break
            time.sleep(0.05)
        port = open(port_file).read().strip()
        url = f"http://127.0.0.1:{port}/v1"
        env = home_with(work, "home", url, 0)
        task = [BIN, "task", "run", "bench", "Say hello", "--no-stdin", "-q"]
        dry = subprocess.run(task + ["--dry-run", "--json"], env=env, check=True, capture_output=True, text=True)
        body_file = os.path.join(work, "body.json")
        with open(body_file, "w") as f:
            json.dump(json.loads(dry.stdout)["body"], f)
        curl = ["curl", "-sS", "-X", "POST", f"{url}/chat/completions", "-H", "Content-Type: application/json",
                "-H", "Authorization: Bearer sk-bench", "--data-binary", f"@{body_file}"]
        print(f"machine: {os.cpu_count()} cores; {shutil.which('curl')}; {BIN}")
        compare("task round trip", task, curl, env)
        compare("--version", [BIN, "--version"], ["curl", "--version"], env)
        baseline = os.environ.get("AGENTRY_BASELINE")
        if baseline:
            base_env = home_with(work, "baseline-home", url, 0)
            base_task = [baseline] + task[1:]
            compare("task round trip vs the baseline build", task, base_task, env, b_env=base_env,
                    names=("this build", "baseline"))
        big = home_with(work, "big-history", url, HISTORY_LINES)
        compare(f"task with a {HISTORY_LINES}-line history vs a fresh home", task, task, big, b_env=env,
                names=("long history", "fresh"))
        stats = json.loads(subprocess.run([BIN, "stats", "--json"], env=env, check=True, capture_output=True,
                                          text=True).stdout)
        print(f"tasks recorded: {stats['agents'][0]['tasks_completed']} (history grows; the task path never reads it)")
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
