"""Test driver of gibbon_sim (test/embed/embed.test.ts): reads jobs from the JSON file argv[1],
[{"net", "arch", "model", "pipeline"}], runs each through gibbon_sim.simulate, then every run of jobs that
share a network, model and pipeline through one simulate_batch, (and the first 40 again with detail="totals"), and prints one JSON object: {"single": [{"ok": result} |
{"error": message}], "totals": [the same for detail="totals"], "batch": [[result, ...] | {"error": message}],
"groups": [the batches' keys]}."""
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
totals = [run(lambda j=j: gibbon_sim.simulate(j["net"], j["arch"], model=j["model"], pipeline=j["pipeline"], detail="totals"))
          for j in jobs[:40]]
groups = {}
for j in jobs:
    groups.setdefault(json.dumps([j["net"], j["model"], j["pipeline"]]), []).append(j)
batch = []
for key, group in groups.items():
    net, model, pipeline = json.loads(key)
    batch.append(run(lambda: gibbon_sim.simulate_batch(net, [j["arch"] for j in group], model=model, pipeline=pipeline)))
print(json.dumps({"single": single, "totals": totals, "batch": batch, "groups": list(groups.keys())}))
