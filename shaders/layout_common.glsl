// layout_common: shared by the layout kernels; layout.c prepends #version,
// the binding numbers of src/layout_gpu.h and the kernel's #define.
// The arithmetic mirrors src/layout_ref.c statement for statement (same
// order of summation), so the GPU and the CPU oracle agree to rounding.
// `precise` keeps the compiler from fusing multiply-adds where that matters.

layout(std140, binding = LAYOUT_B_CONSTS) uniform Consts {
    uvec4 u0;      // n, dims, nx, seed
    uvec4 u1;      // side, levels, exact, _
    vec4 f0;       // k2, inv_k, min_dist, gravity
    vec4 f1;       // temp
    vec4 center;
    uvec4 level_offset4[3];
};
#define N u0.x
// DIMS is compiled in (LAYOUT_DIMS, 2u or 3u) so that 2D kernels carry no z
// arithmetic; u0.y holds the same number.
#define DIMS LAYOUT_DIMS
#define NX u0.z
#define SEED u0.w
#define SIDE u1.x
#define LEVELS u1.y
#define K2 f0.x
#define INV_K f0.y
#define MIN_DIST f0.z
#define GRAVITY f0.w
#define TEMP f1.x

// Arrays a kernel reads but does not write (layout_gpu.h): RO_VEC4,
// RO_UVEC4, RO_UVEC2 and RO_UINT declare array `a` of binding B as a buffer
// texture on the texture unit of the same number, or, without LAYOUT_TEX,
// as a storage block `blk`; AT4, AT2 and AT1 read its element i.
#ifdef LAYOUT_TEX
#define RO_VEC4(B, blk, a) layout(binding = B) uniform samplerBuffer a
#define RO_UVEC4(B, blk, a) layout(binding = B) uniform usamplerBuffer a
#define RO_UVEC2(B, blk, a) layout(binding = B) uniform usamplerBuffer a
#define RO_UINT(B, blk, a) layout(binding = B) uniform usamplerBuffer a
#define AT4(a, i) texelFetch(a, int(i))
#define AT2(a, i) texelFetch(a, int(i)).xy
#define AT1(a, i) texelFetch(a, int(i)).x
#else
#define RO_VEC4(B, blk, a) layout(std430, binding = B) readonly buffer blk { vec4 a[]; }
#define RO_UVEC4(B, blk, a) layout(std430, binding = B) readonly buffer blk { uvec4 a[]; }
#define RO_UVEC2(B, blk, a) layout(std430, binding = B) readonly buffer blk { uvec2 a[]; }
#define RO_UINT(B, blk, a) layout(std430, binding = B) readonly buffer blk { uint a[]; }
#define AT4(a, i) a[i]
#define AT2(a, i) a[i]
#define AT1(a, i) a[i]
#endif

uint level_offset(uint l) { return level_offset4[l >> 2u][l & 3u]; }

// The sorted copy of the positions (K_RANK writes it, nodes in cell order):
// SPOS(k) is slot k's position, read from array spos. In 2D two slots share
// a texel (x y of slot 2t, then x y of slot 2t + 1), so that one fetch
// serves two near pairs; in 3D a texel holds one slot (x y z, _).
#if LAYOUT_DIMS == 2u
vec3 spos_half(vec4 t, uint k) { return vec3((k & 1u) != 0u ? t.zw : t.xy, 0.0); }
#define SPOS(k) spos_half(AT4(spos, (k) >> 1), k)
#else
#define SPOS(k) AT4(spos, k).xyz
#endif

// The coordinates of cell q of a level of `side` cells per axis
uvec3 cell_coords(uint q, uint side) { return uvec3(q % side, (q / side) % side, q / (side * side)); }

// The items [x, y) of `count` that this invocation walks serially, block
// gl_GlobalInvocationID.x of LAYOUT_SCAN_BLOCK (barrier-free passes); empty
// when x >= y.
uvec2 serial_block(uint count)
{
    uint base = gl_GlobalInvocationID.x * LAYOUT_SCAN_BLOCK;
    return uvec2(base, min(base + LAYOUT_SCAN_BLOCK, count));
}

uint hash32(uint x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

vec3 kick(uint i, uint j)
{
    uint lo = min(i, j), hi = max(i, j);
    uint h = hash32(lo * 0x9E3779B1u ^ hash32(hi ^ SEED));
    uint h2 = hash32(h);
    float s = i < j ? MIN_DIST : -MIN_DIST;
    return vec3(s * (float(h & 0xffffu) * (2.0 / 65535.0) - 1.0),
                s * (float(h >> 16) * (2.0 / 65535.0) - 1.0),
                DIMS == 3u ? s * (float(h2 & 0xffffu) * (2.0 / 65535.0) - 1.0) : 0.0);
}

// Repulsion at pi from a node at pj, added to f, unless the two coincide
// (closer than MIN_DIST, outside nx mode; a node meets itself so too):
// those are only counted in `close`, and pair_kick() pushes them apart in a
// second loop that runs only where close > 1. The kick's hashing stays out
// of the loop over every pair, which a CPU rasterizer runs for every lane
// whether a branch is taken or not.
void pair(inout vec3 f, inout uint close, vec3 pi, vec3 pj)
{
    float m2 = MIN_DIST * MIN_DIST;
#if LAYOUT_DIMS == 2u
    // 2D: z is 0 everywhere, so dropping its terms changes no x or y bit
    precise vec2 d = pi.xy - pj.xy;
    precise float d2 = d.x * d.x + d.y * d.y;
    bool c = NX == 0u && d2 < m2;
    close += c ? 1u : 0u;
    precise float s = c ? 0.0 : K2 / max(d2, m2);
    f.xy += d * s;
#else
    precise vec3 d = pi - pj;
    precise float d2 = d.x * d.x + d.y * d.y + d.z * d.z;
    bool c = NX == 0u && d2 < m2;
    close += c ? 1u : 0u;
    precise float s = c ? 0.0 : K2 / max(d2, m2);
    f += d * s;
#endif
}

// The repulsion pair() skipped for node i at pi from node j at pj: a kick
// of MIN_DIST in a direction fixed by the two ids.
void pair_kick(inout vec3 f, vec3 pi, vec3 pj, uint i, uint j)
{
    precise vec3 d = pi - pj;
    precise float d2 = d.x * d.x + d.y * d.y + d.z * d.z;
    float m2 = MIN_DIST * MIN_DIST;
    if (!(d2 < m2) || i == j)
        return;
    d = kick(i, j);
    d2 = d.x * d.x + d.y * d.y + d.z * d.z;
    d2 = max(d2, m2);
    precise float s = K2 / d2;
    f += d * s;
}

// Adds the monopole of cell at x0 to the local expansion (F; J as in
// layout_ref.h): the order of layout_ref.c's far_term().
void far_term(inout vec3 F, inout vec3 Ja, inout vec3 Jb, vec3 x0, vec4 cell)
{
    float cnt = cell.w;
    if (cnt == 0.0)
        return;
#if LAYOUT_DIMS == 2u
    // 2D: the z terms are 0 (Jzz is only ever multiplied by a zero dz)
    precise vec2 d = x0.xy - cell.xy;
    precise float d2 = d.x * d.x + d.y * d.y;
    d2 = max(d2, MIN_DIST * MIN_DIST);
    precise float s = K2 * cnt / d2;
    precise float t = 2.0 * s / d2;
    F.xy += d * s;
    precise float jxx = s - t * d.x * d.x;
    precise float jxy = t * d.x * d.y;
    precise float jyy = s - t * d.y * d.y;
    Ja.x += jxx;
    Ja.y -= jxy;
    Jb.x += jyy;
#else
    precise vec3 d = x0 - cell.xyz;
    precise float d2 = d.x * d.x + d.y * d.y + d.z * d.z;
    d2 = max(d2, MIN_DIST * MIN_DIST);
    precise float s = K2 * cnt / d2;
    precise float t = 2.0 * s / d2;
    F += d * s;
    precise float jxx = s - t * d.x * d.x;
    precise float jxy = t * d.x * d.y;
    precise float jxz = t * d.x * d.z;
    precise float jyy = s - t * d.y * d.y;
    precise float jyz = t * d.y * d.z;
    precise float jzz = s - t * d.z * d.z;
    Ja.x += jxx;
    Ja.y -= jxy;
    Ja.z -= jxz;
    Jb.x += jyy;
    Jb.y -= jyz;
    Jb.z += jzz;
#endif
}

// The far-field expansions follow the cells of every level in the cell-sum
// array: EXP_VEC4 vec4 for cell g at far_offset() + EXP_VEC4 g (layout_ref.h;
// in 2D the third, Jyz Jzz, is all zeros and is not stored).
#define EXP_VEC4 (DIMS == 3u ? 3u : 2u)
uint far_offset() { return level_offset(LEVELS - 1u) + (DIMS == 3u ? 64u : 16u); }

// Order-preserving uint image of a float, for atomicMin/atomicMax.
uint float_key(float v)
{
    uint u = floatBitsToUint(v);
    return (u & 0x80000000u) != 0u ? ~u : u | 0x80000000u;
}
float key_float(uint u)
{
    return uintBitsToFloat((u & 0x80000000u) != 0u ? u & 0x7fffffffu : ~u);
}

// Merges the box lo..hi into the bounding box (LAYOUT_B_BBOX, which the
// kernel declares as bbox): exact in any order.
#define BBOX_MERGE(lo, hi)                                                                         \
    for (uint k_ = 0u; k_ < 3u; k_++) {                                                            \
        atomicMin(bbox[k_], float_key((lo)[k_]));                                                  \
        atomicMax(bbox[4u + k_], float_key((hi)[k_]));                                             \
    }

// The grid frame of layout_grid_frame(): 1/h, the cells per unit length.
float grid_scale(vec3 lo, vec3 hi)
{
    float ext = max(hi.x - lo.x, hi.y - lo.y);
    if (DIMS == 3u)
        ext = max(ext, hi.z - lo.z);
    if (!(ext > 0.0) || isinf(ext))
        ext = 1.0;
    int e;
    float m = frexp(ext, e);
    float inv = LAYOUT_GRID_INV_G3;
    inv = m < LAYOUT_GRID_G2 ? LAYOUT_GRID_INV_G2 : inv;
    inv = m < LAYOUT_GRID_G1 ? LAYOUT_GRID_INV_G1 : inv;
    inv = m < LAYOUT_GRID_G0 ? LAYOUT_GRID_INV_G0 : inv;
    return ldexp(inv, findMSB(SIDE) - e);
}

uvec3 grid_coords(vec3 p, vec3 lo, float scale)
{
    precise vec3 r = p - lo;
    precise vec3 s = r * scale;
    vec3 c = floor(s);
    uvec3 q = uvec3(clamp(c, vec3(0.0), vec3(float(SIDE - 1u))));
    if (DIMS != 3u)
        q.z = 0u;
    return q;
}

uint cell_index(uvec3 q, uint side) { return q.x + side * (q.y + side * q.z); }
