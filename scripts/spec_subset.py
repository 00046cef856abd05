"""Cut the official OpenAI spec down to the endpoints a Prism test serves, every
`$ref` inlined, `nullable` rewritten as `anyOf [..., {type: null}]`, and `/v1` put
in front of each path, so that `prism mock` validates requests against it (the
published file's schemas fail to compile inside Prism).

Usage: python3 scripts/spec_subset.py SPEC.yaml OUT.json PATH[:METHOD,...] ...
e.g.   python3 scripts/spec_subset.py ../shared/spec/openai-openapi.yaml \
         tests/fixtures/openai-batches.v1.deref.json /files:post /files/{file_id}/content:get \
         /batches:post /batches/{batch_id}:get /batches/{batch_id}/cancel:post
"""
import copy
import json
import sys

import yaml


def resolve(node, root, seen=()):
    if isinstance(node, dict):
        if "$ref" in node and isinstance(node["$ref"], str) and node["$ref"].startswith("#/"):
            ref = node["$ref"]
            if ref in seen:
                return {}
            target = root
            for part in ref[2:].split("/"):
                target = target[part]
            return resolve(copy.deepcopy(target), root, seen + (ref,))
        out = {}
        for key, value in node.items():
            out[key] = resolve(value, root, seen)
        if out.pop("nullable", False) is True:
            inner = {k: v for k, v in out.items() if k not in ("description", "default", "example")}
            rest = {k: v for k, v in out.items() if k in ("description", "default", "example")}
            out = dict(rest, anyOf=[inner, {"type": "null"}])
        return out
    if isinstance(node, list):
        return [resolve(item, root, seen) for item in node]
    return node


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    root = yaml.safe_load(open(sys.argv[1]))
    paths = {}
    for spec in sys.argv[3:]:
        path, _, methods = spec.partition(":")
        item = root["paths"][path]
        wanted = methods.split(",") if methods else [m for m in item if m in ("get", "post", "delete")]
        paths["/v1" + path] = {m: resolve(item[m], root) for m in wanted}
    out = {
        "openapi": root.get("openapi", "3.1.0"),
        "info": root["info"],
        "servers": [{"url": "http://127.0.0.1"}],
        "paths": paths,
        "components": {"securitySchemes": root.get("components", {}).get("securitySchemes", {})},
        "security": root.get("security", []),
    }
    with open(sys.argv[2], "w") as f:
        json.dump(out, f, indent=1)
    print(f"wrote {len(paths)} paths to {sys.argv[2]}")


if __name__ == "__main__":
    main()
