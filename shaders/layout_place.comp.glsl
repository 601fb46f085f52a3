// layout_place: puts each new node at a fixed pseudo-random offset of
// RADIUS from its anchor (a neighbour already placed).
layout(local_size_x = LAYOUT_WG) in;

layout(std430, binding = LAYOUT_B_POS) buffer Pos { vec4 pos[]; };
layout(std430, binding = LAYOUT_B_PLACE) readonly buffer Place { uvec2 place[]; };
layout(location = LAYOUT_U_COUNT) uniform uint u_count;
layout(location = LAYOUT_U_RADIUS) uniform float u_radius;

void main()
{
    uint k = gl_GlobalInvocationID.x;
    if (k >= u_count)
        return;
    uvec2 pa = place[k];
    uint h = hash32(pa.x ^ hash32(SEED + 0x51ed27u));
    vec3 dir = vec3(float(h & 0x3ffu), float((h >> 10) & 0x3ffu), float(h >> 20)) / vec3(1023.0, 1023.0, 4095.0) * 2.0 - 1.0;
    if (DIMS != 3u)
        dir.z = 0.0;
    float len = length(dir);
    dir = len > 1e-3 ? dir / len : vec3(1.0, 0.0, 0.0);
    pos[pa.x] = vec4(pos[pa.y].xyz + u_radius * dir, 0.0);
}
