#!/usr/bin/env python3
"""A fleet scenario of N clusters (JSON on stdout) for the CLI memory benchmark: clusters
created 2018-2026, one to three pools, every fourth stopped for a week, ten years."""
import json
import random
import sys

n = int(sys.argv[1])
rng = random.Random(42)
clusters = []
for i in range(n):
    year = 2018 + rng.randrange(8)
    created = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 21):02d}T00:00:00Z"
    minor = min(30, 11 + (year - 2018) * 3)
    pools = [{"name": "system", "mode": "System", "count": 3}]
    for j, name in enumerate(["user1", "user2"]):
        if rng.randrange(3) > j:
            pools.append({"name": name, "mode": "User", "count": rng.randrange(6)})
    ops = []
    if i % 4 == 0:
        y, m, d = year, int(created[5:7]), int(created[8:10])
        m2 = m + 1 if m < 12 else 1
        y2 = y if m < 12 else y + 1
        ops = [
            {"at": f"{y2}-{m2:02d}-{d:02d}T00:00:00Z", "op": "stop"},
            {"at": f"{y2}-{m2:02d}-{d + 7:02d}T00:00:00Z", "op": "start"},
        ]
    c = {
        "name": f"aks-{i:06d}",
        "resourceGroup": f"rg-{i % 97:03d}",
        "created": created,
        "kubernetesVersion": f"1.{minor}.0",
        "nodePools": pools,
        "kubeconfigs": [{"holder": "ops"}],
    }
    if ops:
        c["operations"] = ops
    clusters.append(c)
json.dump(
    {"apiVersion": "akscert/v1", "kind": "Scenario", "seed": 42, "horizon": "10y", "clusters": clusters},
    sys.stdout,
)
