// layout_force: one displacement per node: repulsion (all pairs when EXACT,
// else the multilevel grid), springs along the CSR adjacency, gravity.
// One invocation per node writes only its own disp[i]: no write races.
// FAR: the per-cell far-field expansions that GRID reads (layout_ref.h).
// GRID also adds springs and gravity for nodes of degree LAYOUT_SPRING_CAP
// or less; SPRINGS adds them after GRID for the rest, in degree order.
layout(local_size_x = LAYOUT_WG) in;

#if defined(EXACT) || defined(SPRINGS) || defined(GRID)
RO_VEC4(LAYOUT_B_POS, Pos, pos);
RO_UVEC2(LAYOUT_B_CSR_OFF, CsrOff, csr_off);
RO_UVEC2(LAYOUT_B_CSR_ADJ, CsrAdj, csr_adj);
#endif
#ifdef SPRINGS
layout(std430, binding = LAYOUT_B_DISP) buffer Disp { vec4 disp[]; };
RO_UINT(LAYOUT_B_ORDER, Order, order);
layout(location = LAYOUT_U_COUNT) uniform uint u_count; // nodes of degree above the cap
#else
layout(std430, binding = LAYOUT_B_DISP) writeonly buffer Disp { vec4 disp[]; };
#endif
#ifdef FAR
// Writes this level's expansions; reads what earlier passes wrote
layout(std430, binding = LAYOUT_B_CELLSUM) writeonly buffer CellSum { vec4 cellsum[]; };
RO_VEC4(LAYOUT_B_CELLSUM, CellSumIn, cellsum_in);
RO_UINT(LAYOUT_B_OCC, Occ, occ);
layout(std430, binding = LAYOUT_B_LEVELS) readonly buffer Levels { uvec4 levels[]; };
#elif defined(GRID)
layout(std430, binding = LAYOUT_B_BBOX) buffer Bbox { uint bbox[8]; }; // [7]: sampled near pairs
RO_UVEC2(LAYOUT_B_CELLS, Cells, cells);
RO_VEC4(LAYOUT_B_SPOS, Spos, spos);
RO_UINT(LAYOUT_B_SID, Sid, sid);
RO_VEC4(LAYOUT_B_CELLSUM, CellSumIn, cellsum_in);
#elif defined(EXACT) && !defined(NO_TILE)
shared vec4 tile[LAYOUT_WG];
#endif

#if defined(EXACT) || defined(SPRINGS) || defined(GRID)
void spring(inout vec3 f, vec3 pi, uvec2 a)
{
#if LAYOUT_DIMS == 2u
    precise vec2 d = pi.xy - AT4(pos, a.x).xy;
    precise float dist = sqrt(d.x * d.x + d.y * d.y);
    dist = max(dist, MIN_DIST);
    precise float s = uintBitsToFloat(a.y) * dist * INV_K;
    f.xy -= d * s;
#else
    precise vec3 d = pi - AT4(pos, a.x).xyz;
    precise float dist = sqrt(d.x * d.x + d.y * d.y + d.z * d.z);
    dist = max(dist, MIN_DIST);
    precise float s = uintBitsToFloat(a.y) * dist * INV_K;
    f -= d * s;
#endif
}

// Springs in CSR order, then gravity; none of them where hubs_only differs
// from whether node i has more than LAYOUT_SPRING_CAP neighbours.
void springs_and_gravity(inout vec3 f, vec3 pi, uint i, bool hubs_only)
{
    uvec2 r = AT2(csr_off, i);
    bool mine = (r.y > LAYOUT_SPRING_CAP) == hubs_only;
    uint e = r.x, end = mine ? r.x + r.y : r.x;
    // four at a time: less loop overhead, same order
    for (; e + 3u < end; e += 4u)
        for (uint u = 0u; u < 4u; u++)
            spring(f, pi, AT2(csr_adj, e + u));
    for (; e < end; e++)
        spring(f, pi, AT2(csr_adj, e));
    precise vec3 g = (pi - center.xyz) * GRAVITY;
    f -= mine ? g : vec3(0.0);
}
#endif

#if defined(FAR) || defined(GRID)
// F + J d for the local expansion stored at cellsum[at .. at + 2].
vec3 expand(uint at, vec3 d)
{
#if LAYOUT_DIMS == 2u
    vec4 e0 = AT4(cellsum_in, at), e1 = AT4(cellsum_in, at + 1u);
    precise float fx = e0.x + (e1.x * d.x + e1.y * d.y);
    precise float fy = e0.y + (e1.y * d.x + e1.w * d.y);
    return vec3(fx, fy, 0.0);
#else
    vec4 e0 = AT4(cellsum_in, at), e1 = AT4(cellsum_in, at + 1u), e2 = AT4(cellsum_in, at + 2u);
    precise float fx = e0.x + (e1.x * d.x + e1.y * d.y + e1.z * d.z);
    precise float fy = e0.y + (e1.y * d.x + e1.w * d.y + e2.x * d.z);
    precise float fz = e0.z + (e1.z * d.x + e2.x * d.y + e2.y * d.z);
    return vec3(fx, fy, fz);
#endif
}
#endif

#ifdef FAR
#if LAYOUT_DIMS == 2u
// The t-th (0..26) cell of a 2D interaction list, as an offset from the cell
// whose position in its parent is p (0 or 1 per axis): the children of the
// parent's 3x3 neighbours form the 6x6 block at offsets -2-p .. 3-p, less
// our 3x3. First the 9 in our rows (-1..1) outside our columns, then the 18
// in the other rows (as layout_ref.c's il_offset2()).
int il_side(int k, int p) { return k == 0 ? -2 - p : (k == 1 ? 2 - 4 * p : 3 - p); }
ivec2 il_offset(int t, ivec2 p)
{
    if (t < 9)
        return ivec2(il_side(t % 3, p.x), t / 3 - 1);
    t -= 9;
    return ivec2(t % 6 - 2 - p.x, il_side(t / 6, p.y));
}
#endif

// Adds the monopoles of the interaction list of the level-lv cell at cm to
// the expansion (F; Ja, Jb) about x0: the children of the parent's
// neighbours that are not our neighbours; at the coarsest level, every cell
// that is not a neighbour.
void il_terms(uint lv, ivec3 cm, vec3 x0, inout vec3 F, inout vec3 Ja, inout vec3 Jb)
{
    int zr = DIMS == 3u ? 1 : 0;
    uint off = level_offset(lv);
    if (lv == LEVELS - 1u) {
        for (int z = 0; z <= 3 * zr; z++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 4; x++) {
                    ivec3 qq = ivec3(x, y, z);
                    ivec3 dd = abs(qq - cm);
                    if (max(dd.x, max(dd.y, dd.z)) > 1)
                        far_term(F, Ja, Jb, x0, AT4(cellsum_in, off + cell_index(uvec3(qq), 4u)));
                }
        return;
    }
    uint s = SIDE >> lv;
#if LAYOUT_DIMS == 2u
    // The 27 cells one by one (il_offset()), not the 36 of the parents'
    // block with our 9 skipped: a CPU rasterizer runs skipped ones too.
    for (int t = 0; t < 27; t++) {
        ivec2 q = cm.xy + il_offset(t, cm.xy & 1);
        if (q.x >= 0 && q.y >= 0 && q.x < int(s) && q.y < int(s))
            far_term(F, Ja, Jb, x0, AT4(cellsum_in, off + uint(q.x) + s * uint(q.y)));
    }
#else
    ivec3 pc = cm >> 1;
    int ps = int(s / 2u), pz = DIMS == 3u ? ps : 1;
    for (int oz = -zr; oz <= zr; oz++)
        for (int oy = -1; oy <= 1; oy++)
            for (int ox = -1; ox <= 1; ox++) {
                ivec3 pn = pc + ivec3(ox, oy, oz);
                if (pn.x < 0 || pn.y < 0 || pn.z < 0 || pn.x >= ps || pn.y >= ps || pn.z >= pz)
                    continue;
                for (int dz = 0; dz <= zr; dz++)
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++) {
                            ivec3 qq = 2 * pn + ivec3(dx, dy, dz);
                            ivec3 dd = abs(qq - cm);
                            if (max(dd.x, max(dd.y, dd.z)) > 1)
                                far_term(F, Ja, Jb, x0, AT4(cellsum_in, off + cell_index(uvec3(qq), s)));
                        }
            }
#endif
}

// The local expansion of every occupied cell at level u_level, about its
// centre of mass (layout_ref.h): an ancestor's expansion moved to this
// centre, plus the interaction lists of the levels below that ancestor.
// Run from the coarsest level down; the invocations walk the level's
// occupied cells (LAYOUT_B_LEVELS), so SIMD lanes are not spent on empty
// ones.
layout(location = LAYOUT_U_LEVEL) uniform uint u_level;
void main()
{
    uint l = u_level;
    uint s = SIDE >> l;
    uint k = gl_GlobalInvocationID.x;
    if (k >= levels[l].w)
        return;
    uint q = AT1(occ, level_offset(l) + k);
    uint g = level_offset(l) + q;
    vec3 x0 = AT4(cellsum_in, g).xyz;
    ivec3 cm = ivec3(cell_coords(q, s));
    vec3 F = vec3(0.0), Ja = vec3(0.0), Jb = vec3(0.0);
    uint first = LEVELS > LAYOUT_FAR_TOP + 1u ? LEVELS - 1u - LAYOUT_FAR_TOP : 0u;
    uint top = l == first ? LEVELS : l + 1u;
    if (top < LEVELS) {
        uint ag = level_offset(top) + cell_index(uvec3(cm >> int(top - l)), SIDE >> top);
        uint at = far_offset() + EXP_VEC4 * ag;
        F = expand(at, x0 - AT4(cellsum_in, ag).xyz);
        vec4 e1 = AT4(cellsum_in, at + 1u);
        Ja = e1.xyz;
        Jb = vec3(e1.w, DIMS == 3u ? AT4(cellsum_in, at + 2u).xy : vec2(0.0));
    }
    for (int lv = int(top) - 1; lv >= int(l); lv--)
        il_terms(uint(lv), cm >> (lv - int(l)), x0, F, Ja, Jb);
    uint at = far_offset() + EXP_VEC4 * g;
    cellsum[at] = vec4(F, 0.0);
    cellsum[at + 1u] = vec4(Ja, Jb.x);
    if (DIMS == 3u)
        cellsum[at + 2u] = vec4(Jb.yz, 0.0, 0.0);
}
#elif defined(EXACT)
void main()
{
    uint i = gl_GlobalInvocationID.x;
#if defined(EXACT) && defined(NO_TILE)
    // CPU rasterizers (llvmpipe) pay for every barrier; their caches do the tiling
    if (i >= N)
        return;
    vec3 pi = AT4(pos, i).xyz;
    vec3 f = vec3(0.0);
    uint close = 0u;
    for (uint j = 0u; j < N; j++)
        pair(f, close, pi, AT4(pos, j).xyz);
    for (uint j = 0u; j < (close > 1u ? N : 0u); j++)
        pair_kick(f, pi, AT4(pos, j).xyz, i, j);
#elif defined(EXACT)
    bool live = i < N;
    vec3 pi = live ? AT4(pos, i).xyz : vec3(0.0);
    vec3 f = vec3(0.0);
    uint close = 0u;
    uint lid = gl_LocalInvocationID.x;
    for (uint base = 0u; base < N; base += LAYOUT_WG) {
        uint j = base + lid;
        tile[lid] = j < N ? AT4(pos, j) : vec4(0.0);
        barrier();
        uint cnt = min(uint(LAYOUT_WG), N - base);
        if (live)
            for (uint t = 0u; t < cnt; t++)
                pair(f, close, pi, tile[t].xyz);
        barrier();
    }
    if (!live)
        return;
    for (uint j = 0u; j < (close > 1u ? N : 0u); j++)
        pair_kick(f, pi, AT4(pos, j).xyz, i, j);
#endif
    springs_and_gravity(f, pi, i, false);
    springs_and_gravity(f, pi, i, true);
    disp[i] = vec4(f, 0.0);
}

#elif defined(GRID)
// The near block's sorted slots in row (oy, oz) of cell c0: the three cells
// of a row are consecutive in the sorted order. Empty outside the grid.
uvec2 near_row(ivec3 c0, int oy, int oz)
{
    int side = int(SIDE), zs = DIMS == 3u ? side : 1;
    int y = c0.y + oy, z = c0.z + oz;
    if (y < 0 || z < 0 || y >= side || z >= zs)
        return uvec2(0u);
    uint qa = cell_index(uvec3(max(c0.x - 1, 0), y, z), SIDE);
    uint qb = cell_index(uvec3(min(c0.x + 1, side - 1), y, z), SIDE);
    uvec2 cb = AT2(cells, qb);
    return uvec2(AT2(cells, qa).x, cb.x + cb.y);
}

// The kicks that pair() left out for coincident pairs (rare: only where
// close > 1, a node meeting itself once). A loop, not an if: a CPU
// rasterizer skips a loop that no lane enters, but runs an if's body for
// every lane.
void near_kicks(inout vec3 f, ivec3 c0, vec3 pi, uint i, uint close)
{
    int zr = DIMS == 3u ? 1 : 0;
    for (int pass = 0; pass < (close > 1u ? 1 : 0); pass++)
        for (int oz = -zr; oz <= zr; oz++)
            for (int oy = -1; oy <= 1; oy++) {
                uvec2 r = near_row(c0, oy, oz);
                for (uint k = r.x; k < r.y; k++)
                    pair_kick(f, pi, SPOS(k), i, AT1(sid, k));
            }
}

void main()
{
    uint i = gl_GlobalInvocationID.x;
    if (i >= N)
        return;
    // Invocations walk the nodes in cell order: neighbouring lanes of a SIMD
    // group then share their interaction lists and near blocks, so loops run
    // the same trip counts and loads hit the same cells. Each node's own sum
    // is unchanged (the CPU reference keeps node order).
    vec3 pi = SPOS(i);
    i = AT1(sid, i);
    vec3 f = vec3(0.0);
    vec3 lo = vec3(key_float(bbox[0]), key_float(bbox[1]), key_float(bbox[2]));
    vec3 hi = vec3(key_float(bbox[4]), key_float(bbox[5]), key_float(bbox[6]));
    ivec3 c0 = ivec3(grid_coords(pi, lo, grid_scale(lo, hi)));
    int zr = DIMS == 3u ? 1 : 0;
    // everything outside our 3^d block: our finest cell's local expansion
    {
        uint q = cell_index(uvec3(c0), SIDE);
        f = expand(far_offset() + EXP_VEC4 * q, pi - AT4(cellsum_in, q).xyz);
    }
    // near: particles of our 3^d block, by cell then id, one range of the
    // sorted copy of the positions per row; then the kicks for coincident
    // pairs, if any (pair()).
    uint near = 0u, close = 0u;
    for (int oz = -zr; oz <= zr; oz++)
        for (int oy = -1; oy <= 1; oy++) {
            uvec2 r = near_row(c0, oy, oz);
            near += r.y - r.x;
            // four at a time: less loop overhead, same order (in 2D from an
            // even slot, two texels for four slots)
            uint k = r.x;
#if LAYOUT_DIMS == 2u
            for (; (k & 1u) != 0u && k < r.y; k++)
                pair(f, close, pi, SPOS(k));
            for (; k + 3u < r.y; k += 4u) {
                vec4 ab = AT4(spos, k >> 1), cd = AT4(spos, (k >> 1) + 1u);
                pair(f, close, pi, vec3(ab.xy, 0.0));
                pair(f, close, pi, vec3(ab.zw, 0.0));
                pair(f, close, pi, vec3(cd.xy, 0.0));
                pair(f, close, pi, vec3(cd.zw, 0.0));
            }
#else
            for (; k + 3u < r.y; k += 4u) {
                vec3 a = SPOS(k), b = SPOS(k + 1u), c = SPOS(k + 2u), d = SPOS(k + 3u);
                pair(f, close, pi, a);
                pair(f, close, pi, b);
                pair(f, close, pi, c);
                pair(f, close, pi, d);
            }
#endif
            for (; k < r.y; k++)
                pair(f, close, pi, SPOS(k));
        }
    near_kicks(f, c0, pi, i, close);
    if (i % LAYOUT_SAMPLE == 0u)
        atomicAdd(bbox[7], near - 1u); // feeds layout_schedule_grid
    // Springs and gravity here, where the node's degree is at most the cap:
    // a SIMD group's loop runs at most the cap's length, and the separate
    // pass that it saves cost more, at its per-node reads and writes, than
    // the springs themselves (on real captures few nodes are hubs).
    springs_and_gravity(f, pi, i, false);
    disp[i] = vec4(f, 0.0);
}
#endif

#ifdef SPRINGS
// After GRID: springs and gravity of the nodes of degree above the cap
// (the first u_count by degree) added to their repulsion, in the same order
// as in one pass. The invocations walk the nodes by degree, so the lanes of
// a SIMD group run loops of about the same length (GRID's lanes are in cell
// order, where one hub made its whole group wait).
void main()
{
    uint k = gl_GlobalInvocationID.x;
    if (k >= u_count)
        return;
    uint i = AT1(order, k);
    vec3 f = disp[i].xyz;
    springs_and_gravity(f, AT4(pos, i).xyz, i, true);
    disp[i] = vec4(f, 0.0);
}
#endif
