#!/usr/bin/python3
"""Peer layouts for bench_layout: igraph's C Fruchterman-Reingold (grid
variant) and, with "full", networkx spring_layout and igraph's exact
(all-pairs) variant on the same edge list, same iteration count, same seed.
Run with Debian's /usr/bin/python3 (python3-igraph, python3-networkx).

usage: bench_layout_peer.py EDGES ITERS OUTDIR SEED [full]
EDGES: first line "n m", then one "a b" per edge. Writes OUTDIR/igraph.pos
(and OUTDIR/networkx.pos, OUTDIR/igraph-exact.pos): one "x y" line per node.
Prints one line per peer: "<peer> <seconds for ITERS iterations>".
"""
import random
import sys
import time


def read_edges(path):
    with open(path) as f:
        n, m = map(int, f.readline().split())
        edges = [tuple(map(int, line.split())) for line in f]
    return n, edges


def write_pos(path, pos):
    with open(path, "w") as f:
        for x, y in pos:
            f.write(f"{x:.7g} {y:.7g}\n")


def run_igraph(g, iters, seed, grid, name, out):
    random.seed(seed)  # python-igraph draws its random numbers from this module
    t = time.perf_counter()
    lay = g.layout_fruchterman_reingold(niter=iters, grid=grid)
    dt = time.perf_counter() - t
    write_pos(f"{out}/{name}.pos", lay.coords)
    print(f"{name} {dt:.6f}", flush=True)  # bench_layout reads the file on this line


def main():
    path, iters, out, seed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    full = len(sys.argv) > 5 and sys.argv[5] == "full"
    n, edges = read_edges(path)

    import igraph
    g = igraph.Graph(n=n, edges=edges)
    run_igraph(g, iters, seed, True, "igraph", out)
    if not full:
        return
    run_igraph(g, iters, seed, False, "igraph-exact", out)

    import networkx as nx
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    t = time.perf_counter()
    pos = nx.spring_layout(G, iterations=iters, seed=seed, threshold=0)
    dt = time.perf_counter() - t
    write_pos(f"{out}/networkx.pos", [pos[i] for i in range(n)])
    print(f"networkx {dt:.6f}", flush=True)


main()
