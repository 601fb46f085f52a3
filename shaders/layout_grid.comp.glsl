// layout_grid: builds the multilevel grid the approximate repulsion reads.
// One file, one kernel per K_* define (layout.c compiles each):
//   K_BBOX        bounding box by atomicMin/Max on order-preserving uints
//   K_COUNT       finest cell of each node, its slot there (atomic count)
//   K_SCAN_LOCAL, K_SCAN_BLOCKS, K_SCAN_ADD   exclusive prefix sum of counts,
//                 and the list of occupied finest cells
//   K_SCATTER     node ids into their cell's range
//   K_RANK        copies the positions and ids in cell order, then id order
//                 within a cell, for the near field: each node's slot is
//                 its rank among its cell's ids (the atomics of K_COUNT gave
//                 a racy order), so no sort is needed
//   K_CELLSUM_FINE sums each occupied cell's positions in that order (the
//                 same sums every run) into its centre of mass and count
//   K_CELLSUM_LEVEL centre of mass and count of each occupied coarser cell
//                 from its 2^d children, and the list of those cells
//   K_CELLSUM_TOP the same for every level from u_level up, in one
//                 workgroup with a barrier between levels: the coarse
//                 levels hold few cells, and a dispatch each cost more than
//                 their sums
layout(local_size_x = LAYOUT_WG) in;

#if defined(K_BBOX) || defined(K_COUNT) || defined(K_RANK)
RO_VEC4(LAYOUT_B_POS, Pos, pos);
#endif
#if defined(K_BBOX) || defined(K_COUNT)
layout(std430, binding = LAYOUT_B_BBOX) buffer Bbox { uint bbox[8]; };
#endif
#ifdef K_COUNT
layout(std430, binding = LAYOUT_B_NODE_CELL) writeonly buffer NodeCell { uvec2 node_cell[]; };
#elif defined(K_SCATTER) || defined(K_RANK)
RO_UVEC2(LAYOUT_B_NODE_CELL, NodeCell, node_cell);
#endif
#if defined(K_COUNT) || defined(K_SCAN_LOCAL) || defined(K_SCAN_ADD)
layout(std430, binding = LAYOUT_B_CELLS) buffer Cells { uint cells[]; };
#elif defined(K_SCATTER) || defined(K_RANK) || defined(K_CELLSUM_FINE)
RO_UVEC2(LAYOUT_B_CELLS, Cells, cells); // first sorted slot, node count
#endif
#if defined(K_SCAN_LOCAL) || defined(K_SCAN_BLOCKS) || defined(K_SCAN_ADD)
layout(std430, binding = LAYOUT_B_BLOCKSUM) buffer BlockSum { uint blocksum[]; }; // 2 per block
layout(location = LAYOUT_U_COUNT) uniform uint u_count;
#endif
#if defined(K_SCAN_ADD) || defined(K_CELLSUM_LEVEL)
layout(std430, binding = LAYOUT_B_OCC) writeonly buffer Occ { uint occ[]; }; // occupied cells, per level
#endif
#ifdef K_CELLSUM_LEVEL
RO_UINT(LAYOUT_B_OCC, OccIn, occ_in); // the level below, listed by the pass before
#define OCC_IN(i) AT1(occ_in, i)
#elif defined(K_CELLSUM_FINE)
RO_UINT(LAYOUT_B_OCC, Occ, occ);
#endif
#ifdef K_CELLSUM_TOP
// Each level reads what the same workgroup wrote for the level below, so
// through coherent storage, not textures
layout(std430, binding = LAYOUT_B_OCC) coherent buffer Occ { uint occ[]; };
layout(std430, binding = LAYOUT_B_CELLSUM) coherent buffer CellSum { vec4 cellsum[]; };
layout(std430, binding = LAYOUT_B_LEVELS) coherent buffer Levels { uvec4 levels[]; };
#define OCC_IN(i) occ[i]
#define CELLSUM_IN(i) cellsum[i]
#endif
#if defined(K_SCAN_BLOCKS) || defined(K_CELLSUM_LEVEL)
layout(std430, binding = LAYOUT_B_LEVELS) buffer Levels { uvec4 levels[]; };
#elif defined(K_CELLSUM_FINE)
layout(std430, binding = LAYOUT_B_LEVELS) readonly buffer Levels { uvec4 levels[]; };
#endif
#ifdef K_SCATTER
layout(std430, binding = LAYOUT_B_SORTED) writeonly buffer Sorted { uint sorted_ids[]; };
#elif defined(K_RANK)
RO_UVEC4(LAYOUT_B_SORTED, Sorted, sorted4); // the same ids, four to a texel
#endif
#ifdef K_RANK
#if LAYOUT_DIMS == 2u
layout(std430, binding = LAYOUT_B_SPOS) writeonly buffer Spos { vec2 spos[]; };
#else
layout(std430, binding = LAYOUT_B_SPOS) writeonly buffer Spos { vec4 spos[]; };
#endif
layout(std430, binding = LAYOUT_B_SID) writeonly buffer Sid { uint sid[]; };
#elif defined(K_CELLSUM_FINE)
RO_VEC4(LAYOUT_B_SPOS, Spos, spos);
#endif
#if defined(K_CELLSUM_FINE) || defined(K_CELLSUM_LEVEL)
layout(std430, binding = LAYOUT_B_CELLSUM) writeonly buffer CellSum { vec4 cellsum[]; };
#endif
#ifdef K_CELLSUM_LEVEL
RO_VEC4(LAYOUT_B_CELLSUM, CellSumIn, cellsum_in); // the finer level, summed by the pass before
#define CELLSUM_IN(i) AT4(cellsum_in, i)
#endif
#if defined(K_CELLSUM_FINE) || defined(K_CELLSUM_LEVEL) || defined(K_CELLSUM_TOP)
layout(location = LAYOUT_U_LEVEL) uniform uint u_level;
#endif

#ifdef K_BBOX
// One invocation folds LAYOUT_SCAN_BLOCK consecutive nodes serially, then
// merges with atomics: no barriers (min and max are exact in any order).
void main()
{
    uvec2 r = serial_block(N);
    if (r.x >= r.y)
        return;
    vec3 lo = AT4(pos, r.x).xyz, hi = lo;
    for (uint i = r.x + 1u; i < r.y; i++) {
        vec3 p = AT4(pos, i).xyz;
        lo = min(lo, p);
        hi = max(hi, p);
    }
    BBOX_MERGE(lo, hi);
}
#endif

#ifdef K_COUNT
void main()
{
    uint i = gl_GlobalInvocationID.x;
    if (i >= N)
        return;
    vec3 lo = vec3(key_float(bbox[0]), key_float(bbox[1]), key_float(bbox[2]));
    vec3 hi = vec3(key_float(bbox[4]), key_float(bbox[5]), key_float(bbox[6]));
    uint q = cell_index(grid_coords(AT4(pos, i).xyz, lo, grid_scale(lo, hi)), SIDE);
    node_cell[i] = uvec2(q, atomicAdd(cells[2u * q + 1u], 1u));
}
#endif

#ifdef K_SCAN_LOCAL
// One invocation scans LAYOUT_SCAN_BLOCK consecutive cells serially: no
// barriers, which CPU rasterizers pay dearly for. Per block: its nodes and
// its occupied cells.
void main()
{
    uint b = gl_GlobalInvocationID.x;
    uvec2 r = serial_block(u_count);
    if (r.x >= r.y)
        return;
    uint acc = 0u, used = 0u;
    for (uint q = r.x; q < r.y; q++) {
        uint v = cells[2u * q + 1u];
        cells[2u * q] = acc;
        acc += v;
        used += v != 0u ? 1u : 0u;
    }
    blocksum[2u * b] = acc;
    blocksum[2u * b + 1u] = used;
}
#endif

#ifdef K_SCAN_BLOCKS
void main()
{
    if (gl_GlobalInvocationID.x != 0u)
        return;
    uint acc = 0u, used = 0u;
    for (uint b = 0u; b < u_count; b++) {
        uvec2 v = uvec2(blocksum[2u * b], blocksum[2u * b + 1u]);
        blocksum[2u * b] = acc;
        blocksum[2u * b + 1u] = used;
        acc += v.x;
        used += v.y;
    }
    levels[0] = uvec4((used + LAYOUT_WG - 1u) / LAYOUT_WG, 1u, 1u, used);
}
#endif

#ifdef K_SCAN_ADD
// Per block again: the block's offset into every start, and the occupied
// cells into the finest level's list, in cell order.
void main()
{
    uint b = gl_GlobalInvocationID.x;
    uvec2 r = serial_block(u_count);
    if (r.x >= r.y)
        return;
    uint add = blocksum[2u * b], at = blocksum[2u * b + 1u];
    for (uint q = r.x; q < r.y; q++) {
        cells[2u * q] += add;
        if (cells[2u * q + 1u] != 0u)
            occ[at++] = q;
    }
}
#endif

#ifdef K_SCATTER
void main()
{
    uint i = gl_GlobalInvocationID.x;
    if (i >= N)
        return;
    uvec2 cs = AT2(node_cell, i);
    sorted_ids[AT2(cells, cs.x).x + cs.y] = i;
}
#endif

#ifdef K_RANK
// One invocation per sorted slot, in the racy order of the scatter: the
// node there counts the ids below its own in its cell, a texel of four
// slots at a time (those outside the cell masked), and copies its position
// to that rank's slot. Neighbouring lanes share a cell, so they loop alike.
void main()
{
    uint k = gl_GlobalInvocationID.x;
    if (k >= N)
        return;
    uint id = AT4(sorted4, k >> 2)[k & 3u];
    uvec2 sc = AT2(cells, AT2(node_cell, id).x);
    uint a = sc.x, end = sc.x + sc.y;
    uvec4 below = uvec4(0u);
    for (uint t = a >> 2; t < (end + 3u) >> 2; t++) {
        uvec4 s = uvec4(4u * t) + uvec4(0u, 1u, 2u, 3u);
        uvec4 inside = uvec4(greaterThanEqual(s, uvec4(a))) * uvec4(lessThan(s, uvec4(end)));
        below += inside * uvec4(lessThan(AT4(sorted4, t), uvec4(id)));
    }
    uint slot = a + below.x + below.y + below.z + below.w;
#if LAYOUT_DIMS == 2u
    spos[slot] = AT4(pos, id).xy;
#else
    spos[slot] = vec4(AT4(pos, id).xyz, 0.0);
#endif
    sid[slot] = id;
}
#endif

#ifdef K_CELLSUM_FINE
// One invocation per occupied cell of level u_level, the finest (the rest
// were cleared): its positions summed in id order.
void main()
{
    uint k = gl_GlobalInvocationID.x;
    if (k >= levels[u_level].w)
        return;
    uint q = AT1(occ, level_offset(u_level) + k);
    uvec2 sc = AT2(cells, q);
    precise vec4 s = vec4(0.0);
    for (uint a = sc.x; a < sc.x + sc.y; a++)
        s += vec4(SPOS(a), 1.0);
    cellsum[q] = vec4(s.xyz / s.w, s.w);
}
#endif

#if defined(K_CELLSUM_LEVEL) || defined(K_CELLSUM_TOP)
// For the k-th occupied cell of level l - 1: if it is the first occupied
// child (in x, y, z order) of its cell, sums the cell's 2^d children and
// lists the cell among level l's occupied cells, counting the workgroups
// of the passes that walk them. The list's order varies from run to run;
// what is computed for each cell does not.
void sum_parent(uint l, uint k)
{
    uint cs = SIDE >> (l - 1u), src = level_offset(l - 1u);
    uvec3 child = cell_coords(OCC_IN(src + k), cs), c = child >> 1;
    uint me = (child.x & 1u) | ((child.y & 1u) << 1) | ((child.z & 1u) << 2);
    uint first = 8u;
    precise vec4 acc = vec4(0.0);
    for (uint d = 0u; d < (DIMS == 3u ? 8u : 4u); d++) {
        vec4 ch = CELLSUM_IN(src + cell_index(2u * c + uvec3(d & 1u, (d >> 1) & 1u, d >> 2), cs));
        first = ch.w > 0.0 ? min(first, d) : first;
        acc += vec4(ch.xyz * ch.w, ch.w);
    }
    if (first != me)
        return;
    uint s = SIDE >> l;
    uint q = cell_index(c, s);
    cellsum[level_offset(l) + q] = vec4(acc.xyz / acc.w, acc.w);
    uint at = atomicAdd(levels[l].w, 1u);
    occ[level_offset(l) + at] = q;
    if (at % LAYOUT_WG == 0u)
        atomicAdd(levels[l].x, 1u);
}
#endif

#ifdef K_CELLSUM_LEVEL
// One invocation per occupied cell of the level below.
void main()
{
    uint k = gl_GlobalInvocationID.x;
    if (k < levels[u_level - 1u].w)
        sum_parent(u_level, k);
}
#endif

#ifdef K_CELLSUM_TOP
// One workgroup, dispatched once: level after level, its invocations take
// turns over the occupied cells of the level below.
void main()
{
    for (uint l = u_level; l < LEVELS; l++) {
        uint below = levels[l - 1u].w;
        for (uint k = gl_LocalInvocationID.x; k < below; k += LAYOUT_WG)
            sum_parent(l, k);
        memoryBarrierBuffer();
        barrier();
    }
}
#endif
