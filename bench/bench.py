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


def home_with(work, name, url, history_lines, features=False):
    """A home with the bench provider, an agent, and a history of `history_lines` lines.
    With `features`: pricing, a daily budget on the provider and the agent, and the cache."""
    home = os.path.join(work, name)
    os.makedirs(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTRY_")}
    # Named explicitly: a ./providers.toml in the working directory would win over the home's.
    env.update(AGENTRY_HOME=home, AGENTRY_PROVIDERS=os.path.join(home, "providers.toml"), NO_PROXY="127.0.0.1",
               BENCH_KEY="sk-bench")
    with open(env["AGENTRY_PROVIDERS"], "w") as f:
        f.write(f'[providers.bench]\ntype = "local"\nendpoint = "{url}"\nmodel = "bench-model"\n'
                f'api_key_env = "BENCH_KEY"\n')
        if features:
            f.write('pricing = { input = 1.0, output = 2.0 }\nbudget_daily = 1000.0\ncache = true\n')
    spawn = [BIN, "agent", "spawn", "bench", "--provider", "bench", "--persona", "examples/code-reviewer"]
    if features:
        spawn += ["--budget", "1000", "--cache"]
    subprocess.run(spawn, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        # Issue 8: the same long history with budgets, the cache and pricing on, against
        # an empty home with the same settings; each run asks something new (a cache
        # lookup that misses, then a store), 30 alternating runs after warm-ups that
        # absorb the one-time catch-up and pruning of the seeded history.
        rich = home_with(work, "rich-history", url, HISTORY_LINES, features=True)
        empty = home_with(work, "rich-empty", url, 0, features=True)
        counter = [0]

        def fresh_task():
            counter[0] += 1
            return [BIN, "task", "run", "bench", f"Say hello {counter[0]}", "--no-stdin", "-q"]

        for _ in range(3):
            timed(fresh_task(), rich)
            timed(fresh_task(), empty)
        a_times, b_times = [], []
        for _ in range(max(RUNS, 30)):
            a_times.append(timed(fresh_task(), rich))
            b_times.append(timed(fresh_task(), empty))
        a, b = statistics.median(a_times), statistics.median(b_times)
        print(f"task with a {HISTORY_LINES}-line history, budgets, cache and pricing on vs an empty home (same "
              f"settings): {a:.2f} ms vs {b:.2f} ms, ratio {a / b:.2f}x ({max(RUNS, 30)} alternating runs each)")
        stats = json.loads(subprocess.run([BIN, "stats", "--json"], env=env, check=True, capture_output=True,
                                          text=True).stdout)
        print(f"tasks recorded: {stats['agents'][0]['tasks_completed']} (history grows; the task path never reads it)")
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
