#!/usr/bin/env python3
"""Sample task graphs the way TaskBench does, for writing planner check sets.

TaskBench built its requests by "back-instruct": sample a graph of tools whose
types connect (one tool, a chain, or a DAG), then have a writer phrase a user
request that needs exactly that graph. This script does the first half, so that
a writer who never sees the planner can do the second half. The node-count mix
follows the dev file's (single 1, chains of 2-7, DAGs of 3-4).

Usage: sample_planning_graphs.py TOOLS.json COUNT SEED > graphs.jsonl
"""
import json
import random
import sys


def load_tools(path):
    tools = json.load(open(path))["nodes"]
    return {t["id"]: (t["input-type"], t["output-type"]) for t in tools}


def feeds(tools, a, b):
    """True when a's output is a type b reads."""
    return any(o in tools[b][0] for o in tools[a][1])


def chain(tools, rng, length):
    for _ in range(1000):
        walk = [rng.choice(sorted(tools))]
        while len(walk) < length:
            nxt = [b for b in sorted(tools) if feeds(tools, walk[-1], b) and b not in walk]
            if not nxt:
                break
            walk.append(rng.choice(nxt))
        if len(walk) == length:
            return walk, [[walk[i], walk[i + 1]] for i in range(length - 1)]
    raise RuntimeError("no chain of length %d" % length)


def dag(tools, rng, size):
    names = sorted(tools)
    for _ in range(10000):
        if rng.random() < 0.5:  # fork: one result read by two tasks
            a = rng.choice(names)
            outs = [b for b in names if b != a and feeds(tools, a, b)]
            if len(outs) < 2:
                continue
            b, c = rng.sample(outs, 2)
            nodes, links = [a, b, c], [[a, b], [a, c]]
        else:  # join: a task that reads two results
            c = rng.choice([n for n in names if len(tools[n][0]) == 2])
            ins = [a for a in names if a != c and feeds(tools, a, c)]
            if len(ins) < 2:
                continue
            a, b = rng.sample(ins, 2)
            nodes, links = [a, b, c], [[a, c], [b, c]]
        if size == 4:
            tail = nodes[-1]  # a fork's second branch or a join's result goes on
            nxt = [d for d in names if d not in nodes and feeds(tools, tail, d)]
            if not nxt:
                continue
            d = rng.choice(nxt)
            nodes.append(d)
            links.append([tail, d])
        return nodes, links
    raise RuntimeError("no DAG")


def main():
    tools = load_tools(sys.argv[1])
    count, seed = int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    chain_lengths = [2] * 8 + [3] * 25 + [4] * 13 + [5] * 9 + [6] * 2 + [7] * 2
    for i in range(count):
        r = rng.random()
        if r < 0.46:
            kind, nodes, links = "single", [rng.choice(sorted(tools))], []
        elif r < 0.90:
            kind = "chain"
            nodes, links = chain(tools, rng, rng.choice(chain_lengths))
        else:
            kind = "dag"
            nodes, links = dag(tools, rng, rng.choice([3, 4]))
        print(json.dumps({"id": "g%d-%03d" % (seed, i), "type": kind, "nodes": nodes, "links": links}))


if __name__ == "__main__":
    main()
