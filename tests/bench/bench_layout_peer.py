#!/usr/bin/python3
"""Peer layouts for bench_layout: igraph's C Fruchterman-Reingold (grid
variant) and networkx spring_layout on the same edge list, same iteration
count. Run with Debian's /usr/bin/python3 (python3-igraph, python3-networkx).

usage: bench_layout_peer.py EDGES ITERS OUTDIR [networkx]
EDGES: first line "n m", then one "a b" per edge. Writes OUTDIR/igraph.pos
(and OUTDIR/networkx.pos): one "x y" line per node. Prints one line per peer:
"<peer> <seconds for ITERS iterations>".
"""
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


def main():
    path, iters, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    want_nx = len(sys.argv) > 4 and sys.argv[4] == "networkx"
    n, edges = read_edges(path)

    import igraph
    g = igraph.Graph(n=n, edges=edges)
    t = time.perf_counter()
    lay = g.layout_fruchterman_reingold(niter=iters, grid=True)
    dt = time.perf_counter() - t
    print(f"igraph {dt:.6f}", flush=True)
    write_pos(f"{out}/igraph.pos", lay.coords)

    if want_nx:
        import networkx as nx
        G = nx.Graph()
        G.add_nodes_from(range(n))
        G.add_edges_from(edges)
        t = time.perf_counter()
        pos = nx.spring_layout(G, iterations=iters, seed=1, threshold=0)
        dt = time.perf_counter() - t
        print(f"networkx {dt:.6f}", flush=True)
        write_pos(f"{out}/networkx.pos", [pos[i] for i in range(n)])


main()
