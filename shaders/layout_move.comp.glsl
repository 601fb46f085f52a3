// layout_move: moves each unpinned node by its displacement under the
// temperature (networkx: exactly TEMP along it; default: LAYOUT_STEP/(1+degree)
// of it, capped at TEMP),
// sums the squared moves per workgroup in a fixed tree order (on CPU
// rasterizers, per block of LAYOUT_SCAN_BLOCK nodes, serially), and leaves
// the bounding box of the new positions for the next step's grid (which so
// needs no pass of its own).
layout(local_size_x = LAYOUT_WG) in;

layout(std430, binding = LAYOUT_B_POS) buffer Pos { vec4 pos[]; };
layout(std430, binding = LAYOUT_B_BBOX) buffer Bbox { uint bbox[8]; };
RO_VEC4(LAYOUT_B_DISP, Disp, disp);
RO_UINT(LAYOUT_B_FLAGS, Flags, flags);
RO_UVEC2(LAYOUT_B_CSR_OFF, CsrOff, csr_off);
layout(std430, binding = LAYOUT_B_PARTIAL) writeonly buffer Partial { float partial[]; };

// Moves node i; returns its squared move, its new position in p.
float move_node(uint i, out vec3 p)
{
    vec4 q = pos[i];
    p = q.xyz;
    if ((AT1(flags, i) & 1u) != 0u)
        return 0.0;
    vec3 d = AT4(disp, i).xyz;
    precise float len = sqrt(d.x * d.x + d.y * d.y + d.z * d.z);
    float s;
    if (NX != 0u)
        s = TEMP / max(len, 0.01);
    else {
        float eta = LAYOUT_STEP / (1.0 + float(AT2(csr_off, i).y));
        precise float step = eta * len;
        s = step > TEMP ? TEMP / len : eta;
    }
    precise vec3 mv = d * s;
    if (DIMS != 3u)
        mv.z = 0.0;
    q.xyz += mv;
    pos[i] = q;
    p = q.xyz;
    return mv.x * mv.x + mv.y * mv.y + mv.z * mv.z;
}

#ifdef NO_TILE
// CPU rasterizers: LAYOUT_SCAN_BLOCK nodes per invocation, summed serially;
// a workgroup-wide tree would cost a barrier per level.
void main()
{
    uvec2 r = serial_block(N);
    if (r.x >= r.y)
        return;
    vec3 p;
    float moved = move_node(r.x, p);
    vec3 lo = p, hi = p;
    for (uint i = r.x + 1u; i < r.y; i++) {
        moved += move_node(i, p);
        lo = min(lo, p);
        hi = max(hi, p);
    }
    partial[gl_GlobalInvocationID.x] = moved;
    BBOX_MERGE(lo, hi);
}
#else
shared float acc[LAYOUT_WG];
shared vec3 acc_lo[LAYOUT_WG], acc_hi[LAYOUT_WG];

void main()
{
    uint i = gl_GlobalInvocationID.x, lid = gl_LocalInvocationID.x;
    vec3 p, inf = vec3(uintBitsToFloat(0x7f800000u));
    acc[lid] = i < N ? move_node(i, p) : 0.0;
    acc_lo[lid] = i < N ? p : inf; // an empty box past the last node
    acc_hi[lid] = i < N ? p : -inf;
    barrier();
    for (uint w = LAYOUT_WG / 2u; w > 0u; w >>= 1) {
        if (lid < w) {
            acc[lid] += acc[lid + w];
            acc_lo[lid] = min(acc_lo[lid], acc_lo[lid + w]);
            acc_hi[lid] = max(acc_hi[lid], acc_hi[lid + w]);
        }
        barrier();
    }
    if (lid == 0u) {
        partial[gl_WorkGroupID.x] = acc[0];
        BBOX_MERGE(acc_lo[0], acc_hi[0]);
    }
}
#endif
