"""Regenerate src/prices.tsv, agentry's built-in price table, from a litellm wheel.

Usage:
    pip download --no-deps litellm -d /tmp/litellm
    python3 scripts/prices.py /tmp/litellm/litellm-*.whl

The figures come from litellm's model_prices_and_context_window_backup.json (MIT
licensed, credited in the README). We keep our own compact format: one chat model a
line, `key<TAB>input<TAB>output<TAB>cached_input<TAB>context_window<TAB>batch_input<TAB>batch_output`,
prices in USD per million tokens (the batch ones: litellm's `*_cost_per_token_batches`, the
prices of OpenAI's Batch API and Anthropic's Message Batches), an empty field where litellm has no figure. Keys are litellm's
(`gpt-4o`, `mistral/mistral-small-latest`, `together_ai/...`).
"""
import json
import os
import re
import sys
import zipfile

VENDORS = {"openai", "anthropic", "mistral", "groq", "together_ai", "deepseek", "openrouter"}
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "prices.tsv")


def per_million(value):
    if value is None:
        return ""
    text = f"{float(value) * 1_000_000:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    wheel = sys.argv[1]
    version = re.search(r"litellm-([0-9][^-]*)-", os.path.basename(wheel))
    version = version.group(1) if version else "unknown"
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read("litellm/model_prices_and_context_window_backup.json"))
    rows = []
    for key, entry in sorted(data.items()):
        if not isinstance(entry, dict) or entry.get("litellm_provider") not in VENDORS:
            continue
        if entry.get("mode") != "chat":
            continue
        inp, out = entry.get("input_cost_per_token"), entry.get("output_cost_per_token")
        if inp is None or out is None or "\t" in key:
            continue
        window = entry.get("max_input_tokens") or entry.get("max_tokens") or ""
        rows.append("\t".join([key, per_million(inp), per_million(out),
                               per_million(entry.get("cache_read_input_token_cost")), str(window),
                               per_million(entry.get("input_cost_per_token_batches")),
                               per_million(entry.get("output_cost_per_token_batches"))]))
    with open(OUT, "w") as f:
        f.write(f"# agentry price table: USD per million tokens; from litellm {version}\n")
        f.write("# (model_prices_and_context_window_backup.json, MIT licensed); regenerate with scripts/prices.py\n")
        f.write("# key\tinput\toutput\tcached_input\tcontext_window\tbatch_input\tbatch_output\n")
        for row in rows:
            f.write(row + "\n")
    print(f"wrote {len(rows)} models from litellm {version} to {OUT}")


if __name__ == "__main__":
    main()
