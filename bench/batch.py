"""Batch throughput and streaming latency (issue #7).

Usage: python3 bench/batch.py [TASKS] [AGENTS] [LATENCY_MS]   (defaults 2000 64 100)

1. TASKS tasks over AGENTS agents in one `task run --file --parallel AGENTS` against a
   local server that answers after LATENCY_MS: wall time against the ideal
   TASKS / AGENTS * latency, and peak RSS (GNU time's "Maximum resident set size").
2. The same tasks as TASKS single `task run` invocations through `xargs -P AGENTS`.
3. Time to first byte of a streamed task: when its first text byte reaches our pipe,
   against when the server wrote its first chunk (both on the wall clock, ns), medians
   of 25 runs.
4. With AGENTRY_BASELINE=/path/to/older/agentry: the same batch with this build and the
   older one, each in its own home, alternating for 5 rounds (a shared machine drifts;
   alternating lets the drift hit both alike), medians side by side.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "agentry")
SERVER = os.path.join(ROOT, "target", "release", "examples", "bench-server")
TASKS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
AGENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 64
LATENCY_MS = int(sys.argv[3]) if len(sys.argv) > 3 else 100


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "agentry", "--example", "bench-server"],
                   cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="agentry-batch-bench-")
    port_file = os.path.join(work, "port")
    first_chunks = os.path.join(work, "first-chunks.log")
    server = subprocess.Popen([SERVER, port_file, str(LATENCY_MS), first_chunks])
    try:
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read():
                break
            time.sleep(0.02)
        url = f"http://127.0.0.1:{open(port_file).read().strip()}/v1"
        home = os.path.join(work, "home")
        os.makedirs(home)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTRY_")}
        env.update(AGENTRY_HOME=home, AGENTRY_PROVIDERS=os.path.join(home, "providers.toml"), NO_PROXY="127.0.0.1")
        with open(env["AGENTRY_PROVIDERS"], "w") as f:
            f.write(f'max_agents = {AGENTS}\n[providers.bench]\ntype = "local"\nendpoint = "{url}"\nmodel = "m"\n')
        for i in range(AGENTS):
            subprocess.run([BIN, "agent", "spawn", f"a{i}", "--provider", "bench", "-q"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
        tasks = os.path.join(work, "tasks.jsonl")
        with open(tasks, "w") as f:
            for n in range(TASKS):
                f.write(f'{{"id": {n}, "description": "Task {n}", "agent": "a{n % AGENTS}"}}\n')
        ideal = TASKS / AGENTS * LATENCY_MS / 1000.0
        timed = ["/usr/bin/time", "-v"] if os.path.exists("/usr/bin/time") else []
        start = time.perf_counter()
        run = subprocess.run(timed + [BIN, "task", "run", "--file", tasks, "--parallel", str(AGENTS), "-q"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        if run.returncode != 0:
            sys.exit(f"batch failed ({run.returncode}): {run.stderr[-2000:]}")
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
        rss_mib = int(rss.group(1)) / 1024 if rss else float("nan")
        print(f"batch: {TASKS} tasks, {AGENTS} agents, --parallel {AGENTS}, {LATENCY_MS} ms latency: "
              f"{wall:.2f} s against an ideal {ideal:.2f} s = {wall / ideal:.2f}x; peak RSS {rss_mib:.1f} MiB")

        lines = "".join(f"a{n % AGENTS}\0Task {n}\0" for n in range(TASKS))
        start = time.perf_counter()
        xargs = subprocess.run(["xargs", "-0", "-n", "2", "-P", str(AGENTS), BIN, "task", "run", "--no-stdin", "-q"],
                               input=lines, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        xwall = time.perf_counter() - start
        if xargs.returncode != 0:
            sys.exit(f"xargs failed ({xargs.returncode}): {xargs.stderr[-2000:]}")
        print(f"xargs -P {AGENTS}: {TASKS} single invocations: {xwall:.2f} s = {xwall / ideal:.2f}x of ideal "
              f"({xwall / wall:.1f}x the batch)")

        baseline = os.environ.get("AGENTRY_BASELINE")
        if baseline:
            base_home = os.path.join(work, "baseline-home")
            os.makedirs(base_home)
            base_env = dict(env, AGENTRY_HOME=base_home, AGENTRY_PROVIDERS=env["AGENTRY_PROVIDERS"])
            for i in range(AGENTS):
                subprocess.run([baseline, "agent", "spawn", f"a{i}", "--provider", "bench", "-q"], env=base_env,
                               check=True, stdout=subprocess.DEVNULL)
            times = {"this build": [], "baseline": []}
            for _ in range(5):
                for name, binary, run_env in (("this build", BIN, env), ("baseline", baseline, base_env)):
                    start = time.perf_counter()
                    subprocess.run([binary, "task", "run", "--file", tasks, "--parallel", str(AGENTS), "-q"],
                                   env=run_env, stdout=subprocess.DEVNULL, check=True)
                    times[name].append(time.perf_counter() - start)
            ours, theirs = statistics.median(times["this build"]), statistics.median(times["baseline"])
            print(f"batch, this build vs the baseline (5 alternating rounds): {ours:.2f} s vs {theirs:.2f} s, "
                  f"ratio {ours / theirs:.2f}x")

        added = []
        for _ in range(25):
            before = sum(1 for _ in open(first_chunks)) if os.path.exists(first_chunks) else 0
            child = subprocess.Popen([BIN, "task", "run", "a0", "Stream it", "--stream", "--no-stdin", "-q"], env=env,
                                     stdout=subprocess.PIPE)
            child.stdout.read(1)
            seen = time.time_ns()
            child.stdout.read()
            child.wait()
            stamps = open(first_chunks).read().split()
            if len(stamps) > before:
                added.append((seen - int(stamps[-1])) / 1e6)
        print(f"streaming: first byte on stdout {statistics.median(added):.2f} ms after the server's first chunk "
              f"(median of {len(added)}; min {min(added):.2f}, max {max(added):.2f})")
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
