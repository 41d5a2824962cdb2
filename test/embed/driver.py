"""Test driver of gibbon_sim (test/embed/embed.test.ts): reads jobs from the JSON file argv[1],
[{"net", "arch", "model", "pipeline"}], runs each through gibbon_sim.simulate, then every run of jobs that
share a network, model and pipeline through one simulate_batch, and prints one JSON object:
{"single": [{"ok": result} | {"error": message}], "batch": [[result, ...] | {"error": message}]}."""
import json
import sys

import gibbon_sim


def run(fn):
    try:
        return {"ok": fn()}
    except gibbon_sim.GibbonError as e:
        return {"error": str(e)}


jobs = json.load(open(sys.argv[1]))
single = [run(lambda j=j: gibbon_sim.simulate(j["net"], j["arch"], model=j["model"], pipeline=j["pipeline"])) for j in jobs]
groups = {}
for j in jobs:
    groups.setdefault(json.dumps([j["net"], j["model"], j["pipeline"]]), []).append(j)
batch = []
for key, group in groups.items():
    net, model, pipeline = json.loads(key)
    batch.append(run(lambda: gibbon_sim.simulate_batch(net, [j["arch"] for j in group], model=model, pipeline=pipeline)))
print(json.dumps({"single": single, "batch": batch, "groups": list(groups.keys())}))
