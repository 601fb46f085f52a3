// Compute passes over the layout's buffers whose small results the CPU reads
// back: label candidates, picking, bounds and the neighbour highlight. One
// program; u_pass selects the pass (values match src/render.c).
#version 430
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Pos { vec4 pos[]; };
layout(std430, binding = 1) readonly buffer Edges { uvec2 edges[]; };
struct NodeAttr { uint cls; float r_degree; float r_traffic; };
layout(std430, binding = 2) readonly buffer Attr { NodeAttr attr[]; };
layout(std430, binding = 4) buffer Flags { uint flags[]; };
// result: [0] count, [1] pick distance bits, [2] pick id, [3..5] min, [6..8] max,
// [16..79] histogram, [80..] candidates (id, x bits, y bits, r bits)
layout(std430, binding = 5) buffer Result { uint res[]; };

layout(location = 0) uniform mat4 u_vp;
layout(location = 1) uniform vec2 u_image;
layout(location = 3) uniform float u_scale;
layout(location = 4) uniform float u_node_scale;
layout(location = 7) uniform int u_size_mode;
layout(location = 8) uniform uint u_hovered;
layout(location = 9) uniform uint u_selected;
layout(location = 10) uniform int u_perspective;
layout(location = 14) uniform float u_depth_ref;
layout(location = 20) uniform int u_pass;
layout(location = 21) uniform uint u_count;
layout(location = 22) uniform vec2 u_cursor;
layout(location = 23) uniform uint u_threshold; // candidate bucket
layout(location = 24) uniform uint u_cap;
layout(location = 25) uniform uint u_id_lo;    // pass 8: ids [lo, lo + 64 * bin) of the threshold bucket
layout(location = 26) uniform uint u_id_bin;
layout(location = 27) uniform uint u_id_limit; // pass 2: threshold-bucket ids below this only

const int HIST = 16, CANDS = 80, NBUCKET = 64;

// Order-preserving map of floats to uints, for atomicMin/Max.
uint sortable(float f)
{
    uint u = floatBitsToUint(f);
    return (u & 0x80000000u) != 0u ? ~u : (u | 0x80000000u);
}

bool project(uint id, out vec2 img, out float r)
{
    vec4 clip = u_vp * vec4(pos[id].xyz, 1.0);
    NodeAttr a = attr[id];
    r = (u_size_mode == 1 ? a.r_traffic : a.r_degree) * u_scale * u_node_scale;
    img = vec2(0.0);
    if (clip.w <= 0.0)
        return false;
    if (u_perspective != 0)
        r *= clamp(u_depth_ref / max(clip.w, 1e-6), 0.2, 5.0);
    vec2 ndc = clip.xy / clip.w;
    img = vec2((ndc.x * 0.5 + 0.5) * u_image.x, (0.5 - ndc.y * 0.5) * u_image.y);
    return true;
}

uint bucket_of(float r)
{
    return uint(clamp(r / u_scale * 2.0, 0.0, float(NBUCKET - 1)));
}

void main()
{
    uint i = gl_GlobalInvocationID.x;
    if (i >= u_count)
        return;
    vec2 img;
    float r;
    if (u_pass == 1 || u_pass == 2 || u_pass == 8) {
        // 1: histogram of visible nodes by size, 2: candidates, 8: histogram by
        // id of the threshold bucket (so a bucket too large for the list is
        // cut at an id, the same nodes every time, not in GPU order)
        if (!project(i, img, r))
            return;
        bool forced = i == u_hovered || i == u_selected;
        if (!forced && (img.x < -r || img.y < -r || img.x > u_image.x + r || img.y > u_image.y + r))
            return;
        uint b = bucket_of(r);
        if (u_pass == 1) {
            atomicAdd(res[HIST + b], 1u);
            return;
        }
        if (u_pass == 8) {
            if (!forced && b == u_threshold && i >= u_id_lo && (i - u_id_lo) / u_id_bin < uint(NBUCKET))
                atomicAdd(res[HIST + (i - u_id_lo) / u_id_bin], 1u);
            return;
        }
        if (!forced && (b < u_threshold || (b == u_threshold && i >= u_id_limit)))
            return;
        uint k = atomicAdd(res[0], 1u);
        if (k >= u_cap)
            return;
        uint o = CANDS + 4u * k;
        res[o] = i;
        res[o + 1u] = floatBitsToUint(img.x);
        res[o + 2u] = floatBitsToUint(img.y);
        res[o + 3u] = floatBitsToUint(r);
    } else if (u_pass == 3 || u_pass == 4) { // 3: nearest hit distance, 4: its lowest id
        if (!project(i, img, r))
            return;
        float d = distance(img, u_cursor);
        if (d > r + 2.0 * u_scale)
            return;
        if (u_pass == 3)
            atomicMin(res[1], floatBitsToUint(d));
        else if (floatBitsToUint(d) == res[1])
            atomicMin(res[2], i);
    } else if (u_pass == 5) { // bounds
        vec3 p = pos[i].xyz;
        for (int k = 0; k < 3; k++) {
            atomicMin(res[3 + k], sortable(p[k]));
            atomicMax(res[6 + k], sortable(p[k]));
        }
    } else if (u_pass == 6) { // clear highlight flags
        flags[i] = 0u;
    } else if (u_pass == 7) { // mark neighbours of the selection (i is an edge)
        uvec2 e = edges[i];
        if (e.x == u_selected)
            flags[e.y] = 1u;
        if (e.y == u_selected)
            flags[e.x] = 1u;
    }
}
