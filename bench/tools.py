"""The tool loop and tool-server start-up (issue #17).

Usage: python3 bench/tools.py [RUNS]   (default 20; needs node and
AGENTRY_MCP_SERVERS, the node_modules holding @modelcontextprotocol/server-everything,
as .ci/run installs it)

1. A 10-step loop (9 calls of server-everything's `echo`, then the answer) against the
   local scripted model (bench-server, no added latency): `agentry task run --tools`
   against the reference run (bench/tool_loop.rs: the same HTTP client and MCP SDK
   doing the same requests and calls, and nothing else), alternating, RUNS each.
   Starting node dominates every run and varies by tens of ms, so each step is timed
   on the model server's clock instead: from the moment an answer asking for a tool
   left the server to the moment the next request arrived is the client's whole
   step (reading the answer, calling the tool, sending the conversation back). The
   median of agentry's minus the median of the reference's is agentry's own time per
   step: wall time minus the model's and the tool's (the reference spends exactly
   those). Target: under 0.5 ms.
2. Start-up cost of a tool server per invocation: one task with `--tools every` whose
   model answers at once, against the same task without tools.
3. Per batch: 20 lines with `tools` against 20 lines without, in one `--file` run each
   (the server starts once for the batch).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "agentry")
SERVER = os.path.join(ROOT, "target", "release", "examples", "bench-server")
REFERENCE = os.path.join(ROOT, "target", "release", "examples", "bench-tool-loop")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20


def timed(cmd, env, stdin=None):
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdin=stdin or subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{cmd[:4]} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    return elapsed, done.stdout


def main():
    modules = os.environ.get("AGENTRY_MCP_SERVERS")
    everything = modules and os.path.join(modules, "@modelcontextprotocol", "server-everything", "dist", "index.js")
    if not everything or not os.path.exists(everything):
        sys.exit("set AGENTRY_MCP_SERVERS to the node_modules holding @modelcontextprotocol/server-everything")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "agentry", "--example", "bench-server",
                    "--example", "bench-tool-loop"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="agentry-tools-bench-")
    port_file = os.path.join(work, "port")
    steps_log = os.path.join(work, "steps.log")
    server = subprocess.Popen([SERVER, port_file, "0", steps_log])
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
            f.write(f'[providers.bench]\ntype = "local"\nendpoint = "{url}"\nmodel = "bench-model"\n\n'
                    f'[mcp.every]\ncommand = "node"\nargs = ["{everything}"]\n')
        task = [BIN, "task", "run", "--persona", "examples/code-reviewer", "--provider", "bench", "-q"]
        loop_cmd = task + ["Loop", "--tools", "every", "--allow-tool", "every.echo", "--json"]
        ref_cmd = [REFERENCE, f"{url}/chat/completions", "node", everything]
        # Warm both (node's module cache, the page cache), and check the loop's shape.
        _, out = timed(loop_cmd, env)
        import json
        result = json.loads(out)
        assert (result["steps"], result["tool_calls"]) == (10, 9), result
        timed(ref_cmd, env)

        def step_gaps(cmd):
            """The client's time between steps of one run, on the server's clock (ms)."""
            start = os.path.getsize(steps_log)
            timed(cmd, env)
            with open(steps_log) as f:
                f.seek(start)
                lines = f.read().splitlines()
            steps = sorted((int(n), int(got), int(sent)) for _, n, got, sent in
                           (line.split() for line in lines if line.startswith("step ")))
            assert [n for n, _, _ in steps] == list(range(10)), steps
            return [(steps[i + 1][1] - steps[i][2]) / 1e6 for i in range(len(steps) - 1)]

        ours, theirs = [], []
        for _ in range(RUNS):
            ours += step_gaps(loop_cmd)
            theirs += step_gaps(ref_cmd)
        a, r = statistics.median(ours), statistics.median(theirs)
        print(f"10-step loop, client time per step (model answer sent -> next request in; medians of "
              f"{len(ours)} steps): agentry {a:.3f} ms, reference {r:.3f} ms (ratio {a / r:.2f}x); "
              f"agentry's own time per step {a - r:.3f} ms (target < 0.5 ms)")

        with_tools = task + ["answer-at-once", "--tools", "every"]
        without = task + ["answer-at-once"]
        timed(with_tools, env)
        tooled, plain = [], []
        for _ in range(RUNS):
            tooled.append(timed(with_tools, env)[0])
            plain.append(timed(without, env)[0])
        t, p = statistics.median(tooled), statistics.median(plain)
        print(f"start-up per invocation: {t * 1000:.1f} ms with --tools every, {p * 1000:.1f} ms without: "
              f"{(t - p) * 1000:.1f} ms for the tool server (node start, handshake, tools/list)")

        lines = 20
        for name, tools in (("tools.jsonl", ', "tools": ["every"]'), ("plain.jsonl", "")):
            with open(os.path.join(work, name), "w") as f:
                for n in range(lines):
                    f.write(f'{{"id": {n}, "description": "answer-at-once {n}", "persona": "examples/code-reviewer",'
                            f' "provider": "bench"{tools}}}\n')
        batch = [BIN, "task", "run", "-q", "--parallel", "4", "--file"]
        b_tools, b_plain = [], []
        for _ in range(max(3, RUNS // 4)):
            b_tools.append(timed(batch + [os.path.join(work, "tools.jsonl")], env)[0])
            b_plain.append(timed(batch + [os.path.join(work, "plain.jsonl")], env)[0])
        bt, bp = statistics.median(b_tools), statistics.median(b_plain)
        print(f"per batch of {lines}: {bt * 1000:.1f} ms with tools, {bp * 1000:.1f} ms without: "
              f"{(bt - bp) * 1000:.1f} ms for the batch ({(bt - bp) / lines * 1000:.2f} ms per line)")
    finally:
        server.kill()


if __name__ == "__main__":
    main()
