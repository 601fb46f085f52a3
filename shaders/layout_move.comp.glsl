// layout_move: moves each unpinned node by its displacement under the
// temperature (networkx: exactly TEMP along it; default: LAYOUT_STEP/(1+degree)
// of it, capped at TEMP) and
// sums the squared moves per workgroup in a fixed tree order (on CPU
// rasterizers, per block of LAYOUT_SCAN_BLOCK nodes, serially).
layout(local_size_x = LAYOUT_WG) in;

layout(std430, binding = LAYOUT_B_POS) buffer Pos { vec4 pos[]; };
RO_VEC4(LAYOUT_B_DISP, Disp, disp);
RO_UINT(LAYOUT_B_FLAGS, Flags, flags);
RO_UVEC2(LAYOUT_B_CSR_OFF, CsrOff, csr_off);
layout(std430, binding = LAYOUT_B_PARTIAL) writeonly buffer Partial { float partial[]; };

// Moves node i; returns its squared move.
float move_node(uint i)
{
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
    vec4 p = pos[i];
    p.xyz += mv;
    pos[i] = p;
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
    float moved = 0.0;
    for (uint i = r.x; i < r.y; i++)
        moved += move_node(i);
    partial[gl_GlobalInvocationID.x] = moved;
}
#else
shared float acc[LAYOUT_WG];

void main()
{
    uint i = gl_GlobalInvocationID.x, lid = gl_LocalInvocationID.x;
    acc[lid] = i < N ? move_node(i) : 0.0;
    barrier();
    for (uint w = LAYOUT_WG / 2u; w > 0u; w >>= 1) {
        if (lid < w)
            acc[lid] += acc[lid + w];
        barrier();
    }
    if (lid == 0u)
        partial[gl_WorkGroupID.x] = acc[0];
}
#endif
