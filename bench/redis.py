"""The Redis backend against the file backend, side by side on loopback (issue #10).

Usage: python3 bench/redis.py [RUNS] [TASKS] [AGENTS] [LATENCY_MS]   (defaults 40 2000 64 100)

Needs `redis-server` on PATH; starts its own on a free port with a throwaway config
(`appendonly yes`, `save ""`, a `requirepass`) and stops it at the end.

1. A single task's round trip: `task run AGENT ...` on an agent whose state is in
   local files, then on an agent whose state is on Redis, alternating, against a local
   server that answers at once. Medians, and the difference in ms (target: within 1.5 ms).
2. The #7 batch: TASKS tasks over AGENTS agents, `task run --file --parallel AGENTS`,
   against a server that answers after LATENCY_MS, on files and on Redis (target: Redis
   within 1.1 times the file backend's wall time).
"""
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "agentry")
SERVER = os.path.join(ROOT, "target", "release", "examples", "bench-server")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 40
TASKS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
AGENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 64
LATENCY_MS = int(sys.argv[4]) if len(sys.argv) > 4 else 100


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_server(work, name, latency):
    port_file = os.path.join(work, f"{name}.port")
    proc = subprocess.Popen([SERVER, port_file, str(latency), os.path.join(work, f"{name}.chunks")])
    for _ in range(200):
        if os.path.exists(port_file) and open(port_file).read():
            break
        time.sleep(0.02)
    return proc, f"http://127.0.0.1:{open(port_file).read().strip()}/v1"


def home(work, name, url, state=None):
    path = os.path.join(work, name)
    os.makedirs(path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTRY_")}
    env.update(AGENTRY_HOME=path, AGENTRY_PROVIDERS=os.path.join(path, "providers.toml"), NO_PROXY="127.0.0.1",
               AGENTRY_MAX_AGENTS=str(AGENTS + 1))
    if state:
        env.update(AGENTRY_STATE=state[0], AGENTRY_REDIS_PASSWORD=state[1], AGENTRY_STATE_NAMESPACE=name)
    with open(env["AGENTRY_PROVIDERS"], "w") as f:
        f.write(f'[providers.bench]\ntype = "local"\nendpoint = "{url}"\nmodel = "m"\n')
    return env


def timed(cmd, env):
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000.0


def batch(env, work, name):
    for i in range(AGENTS):
        subprocess.run([BIN, "agent", "spawn", f"a{i}", "--provider", "bench", "-q"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    tasks = os.path.join(work, f"{name}.jsonl")
    with open(tasks, "w") as f:
        for n in range(TASKS):
            f.write(f'{{"id": {n}, "description": "Task {n}", "agent": "a{n % AGENTS}"}}\n')
    start = time.perf_counter()
    run = subprocess.run([BIN, "task", "run", "--file", tasks, "--parallel", str(AGENTS), "-q"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"batch on {name} failed ({run.returncode}): {run.stderr[-2000:]}")
    return wall


def main():
    if not shutil.which("redis-server"):
        sys.exit("redis-server is not on PATH (apt-get install redis-server)")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "agentry", "--example", "bench-server"],
                   cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="agentry-redis-bench-")
    password = secrets.token_hex(16)
    port = free_port()
    with open(os.path.join(work, "redis.conf"), "w") as f:
        f.write(f'bind 127.0.0.1\nport {port}\ndir {work}\nappendonly yes\nsave ""\nrequirepass {password}\n')
    redis = subprocess.Popen(["redis-server", os.path.join(work, "redis.conf")], stdout=subprocess.DEVNULL)
    quick, quick_url = start_server(work, "quick", 0)
    slow, slow_url = start_server(work, "slow", LATENCY_MS)
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        state = (f"redis://127.0.0.1:{port}/0", password)
        files_env, redis_env = home(work, "files", quick_url), home(work, "redis", quick_url, state)
        for env in (files_env, redis_env):
            subprocess.run([BIN, "agent", "spawn", "solo", "--provider", "bench", "-q"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
        cmd = [BIN, "task", "run", "solo", "Say hi", "--no-stdin", "-q"]
        for _ in range(3):
            timed(cmd, files_env)
            timed(cmd, redis_env)
        on_files, on_redis = [], []
        for _ in range(RUNS):
            on_files.append(timed(cmd, files_env))
            on_redis.append(timed(cmd, redis_env))
        f, r = statistics.median(on_files), statistics.median(on_redis)
        print(f"single task: files median {f:.2f} ms, Redis median {r:.2f} ms, Redis {r - f:+.2f} ms "
              f"({r / f:.2f}x; {RUNS} alternating runs each)")

        ideal = TASKS / AGENTS * LATENCY_MS / 1000.0
        files_batch = batch(home(work, "files-batch", slow_url), work, "files-batch")
        redis_batch = batch(home(work, "redis-batch", slow_url, state), work, "redis-batch")
        print(f"batch: {TASKS} tasks, {AGENTS} agents, --parallel {AGENTS}, {LATENCY_MS} ms latency: "
              f"files {files_batch:.2f} s ({files_batch / ideal:.2f}x of ideal), "
              f"Redis {redis_batch:.2f} s ({redis_batch / ideal:.2f}x of ideal); Redis / files = "
              f"{redis_batch / files_batch:.2f}x")
    finally:
        for proc in (quick, slow, redis):
            proc.terminate()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
