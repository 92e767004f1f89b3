#!/usr/bin/env bash
# Regenerates internal/command/command_docs.json, what COMMAND DOCS says of
# each command (summary, version, group, complexity, doc flags,
# deprecation, history, arguments), from a running redis-server 7.0:
# Redis's own commands/*.json as it answers them. Only the commands (and
# subcommands) Shoal has are kept.
#   scripts/gen-command-docs.sh REDIS_PORT SHOAL_PORT
set -euo pipefail
redis_port=$1 shoal_port=$2
out="$(cd "$(dirname "$0")/.." && pwd)/internal/command/command_docs.json"
have="$(redis-cli -p "$shoal_port" COMMAND LIST)"
redis-cli -p "$redis_port" -3 --json COMMAND DOCS | HAVE="$have" python3 -c '
import json, os, sys
have = set(os.environ["HAVE"].split())
extra = ("summary", "since", "group", "complexity", "doc_flags", "deprecated_since", "replaced_by", "history", "arguments")
docs = {}
def add(name, d):
    if name in have:
        e = {k: d[k] for k in extra if k in d}
        if e:
            docs[name] = e
    for sub, sd in d.get("subcommands", {}).items():
        add(sub, sd)
for name, d in json.load(sys.stdin).items():
    add(name, d)
print("{\n" + ",\n".join(json.dumps(k) + ": " + json.dumps(v, ensure_ascii=False) for k, v in sorted(docs.items())) + "\n}")
' >"$out"
echo "wrote $out"
