// layout_force: one displacement per node: repulsion (all pairs when EXACT,
// else the multilevel grid), springs along the CSR adjacency, gravity.
// One invocation per node writes only its own disp[i]: no write races.
layout(local_size_x = LAYOUT_WG) in;

layout(std430, binding = LAYOUT_B_POS) readonly buffer Pos { vec4 pos[]; };
layout(std430, binding = LAYOUT_B_DISP) writeonly buffer Disp { vec4 disp[]; };
layout(std430, binding = LAYOUT_B_CSR_OFF) readonly buffer CsrOff { uvec2 csr_off[]; };
layout(std430, binding = LAYOUT_B_CSR_ADJ) readonly buffer CsrAdj { uvec2 csr_adj[]; };
#ifndef EXACT
layout(std430, binding = LAYOUT_B_BBOX) readonly buffer Bbox { uint bbox[8]; };
layout(std430, binding = LAYOUT_B_CELLS) readonly buffer Cells { uint cells[]; };
layout(std430, binding = LAYOUT_B_SORTED) readonly buffer Sorted { uint sorted_ids[]; };
layout(std430, binding = LAYOUT_B_CELLSUM) readonly buffer CellSum { vec4 cellsum[]; };
#elif !defined(NO_TILE)
shared vec4 tile[LAYOUT_WG];
#endif

void springs_and_gravity(inout vec3 f, vec3 pi, uint i)
{
    uvec2 r = csr_off[i];
    for (uint e = r.x; e < r.x + r.y; e++) {
        uvec2 a = csr_adj[e];
        precise vec3 d = pi - pos[a.x].xyz;
        precise float dist = sqrt(d.x * d.x + d.y * d.y + d.z * d.z);
        dist = max(dist, MIN_DIST);
        precise float s = uintBitsToFloat(a.y) * dist * INV_K;
        f -= d * s;
    }
    precise vec3 g = (pi - center.xyz) * GRAVITY;
    f -= g;
}

void main()
{
    uint i = gl_GlobalInvocationID.x;
#if defined(EXACT) && defined(NO_TILE)
    // CPU rasterizers (llvmpipe) pay for every barrier; their caches do the tiling
    if (i >= N)
        return;
    vec3 pi = pos[i].xyz;
    vec3 f = vec3(0.0);
    for (uint j = 0u; j < N; j++)
        if (j != i)
            pair(f, pi, pos[j].xyz, i, j);
#elif defined(EXACT)
    bool live = i < N;
    vec3 pi = live ? pos[i].xyz : vec3(0.0);
    vec3 f = vec3(0.0);
    uint lid = gl_LocalInvocationID.x;
    for (uint base = 0u; base < N; base += LAYOUT_WG) {
        uint j = base + lid;
        tile[lid] = j < N ? pos[j] : vec4(0.0);
        barrier();
        uint cnt = min(uint(LAYOUT_WG), N - base);
        if (live)
            for (uint t = 0u; t < cnt; t++)
                if (base + t != i)
                    pair(f, pi, tile[t].xyz, i, base + t);
        barrier();
    }
    if (!live)
        return;
#else
    if (i >= N)
        return;
    vec3 pi = pos[i].xyz;
    vec3 f = vec3(0.0);
    vec3 lo = vec3(key_float(bbox[0]), key_float(bbox[1]), key_float(bbox[2]));
    vec3 hi = vec3(key_float(bbox[4]), key_float(bbox[5]), key_float(bbox[6]));
    ivec3 c0 = ivec3(grid_coords(pi, lo, grid_log2h(lo, hi)));
    int zr = DIMS == 3u ? 1 : 0;
    // coarsest level (4 cells a side): every cell outside our 3^d block
    {
        uint l = LEVELS - 1u;
        ivec3 cl = c0 >> int(l);
        for (int z = 0; z <= 3 * zr; z++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 4; x++) {
                    ivec3 q = ivec3(x, y, z);
                    ivec3 dd = abs(q - cl);
                    if (max(dd.x, max(dd.y, dd.z)) > 1)
                        monopole(f, pi, cellsum[level_offset(l) + cell_index(uvec3(q), 4u)]);
                }
    }
    // finer levels: children of the parent's neighbours, outside our own block
    for (int l = int(LEVELS) - 2; l >= 0; l--) {
        int s = int(SIDE >> uint(l));
        ivec3 cl = c0 >> l;
        ivec3 pc = cl >> 1;
        int ps = s / 2, pz = DIMS == 3u ? ps : 1;
        uint off = level_offset(uint(l));
        for (int oz = -zr; oz <= zr; oz++)
            for (int oy = -1; oy <= 1; oy++)
                for (int ox = -1; ox <= 1; ox++) {
                    ivec3 pn = pc + ivec3(ox, oy, oz);
                    if (pn.x < 0 || pn.y < 0 || pn.z < 0 || pn.x >= ps || pn.y >= ps || pn.z >= pz)
                        continue;
                    for (int dz = 0; dz <= zr; dz++)
                        for (int dy = 0; dy < 2; dy++)
                            for (int dx = 0; dx < 2; dx++) {
                                ivec3 q = 2 * pn + ivec3(dx, dy, dz);
                                ivec3 dd = abs(q - cl);
                                if (max(dd.x, max(dd.y, dd.z)) > 1)
                                    monopole(f, pi, cellsum[off + cell_index(uvec3(q), uint(s))]);
                            }
                }
    }
    // near: particles of our 3^d block, by cell then id
    int side = int(SIDE), zs = DIMS == 3u ? side : 1;
    for (int oz = -zr; oz <= zr; oz++)
        for (int oy = -1; oy <= 1; oy++)
            for (int ox = -1; ox <= 1; ox++) {
                ivec3 q = c0 + ivec3(ox, oy, oz);
                if (q.x < 0 || q.y < 0 || q.z < 0 || q.x >= side || q.y >= side || q.z >= zs)
                    continue;
                uint qi = cell_index(uvec3(q), SIDE);
                uint st = cells[2u * qi], cnt = cells[2u * qi + 1u];
                for (uint k = st; k < st + cnt; k++) {
                    uint j = sorted_ids[k];
                    if (j != i)
                        pair(f, pi, pos[j].xyz, i, j);
                }
            }
#endif
    springs_and_gravity(f, pi, i);
    disp[i] = vec4(f, 0.0);
}
