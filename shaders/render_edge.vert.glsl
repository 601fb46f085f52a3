// Edges: one instance per edge, a thin quad between the two projected
// endpoints read from the layout's position and edge SSBOs.
#version 430
layout(std430, binding = 0) readonly buffer Pos { vec4 pos[]; };
layout(std430, binding = 1) readonly buffer Edges { uvec2 edges[]; };
layout(std430, binding = 3) readonly buffer EAttr { float ealpha[]; };

layout(location = 0) uniform mat4 u_vp;
layout(location = 1) uniform vec2 u_image;
layout(location = 2) uniform vec4 u_tile;
layout(location = 3) uniform float u_scale;
layout(location = 9) uniform uint u_selected;
layout(location = 11) uniform vec4 u_edge_color; // rgb, alpha for this graph's density
layout(location = 12) uniform float u_edge_width;
layout(location = 15) uniform uint u_edge_stride; // draw every k-th edge

out float v_side;      // signed distance across the line, pixels
flat out float v_half; // half width in pixels
flat out vec4 v_color;

vec2 to_image(vec4 clip)
{
    vec2 ndc = clip.xy / clip.w;
    return vec2((ndc.x * 0.5 + 0.5) * u_image.x, (0.5 - ndc.y * 0.5) * u_image.y);
}

void main()
{
    uint ei = uint(gl_InstanceID) * max(u_edge_stride, 1u);
    uvec2 e = edges[ei];
    vec4 ca = u_vp * vec4(pos[e.x].xyz, 1.0), cb = u_vp * vec4(pos[e.y].xyz, 1.0);
    float hw = 0.5 * u_edge_width * u_scale;
    v_half = hw;
    float alpha = u_edge_color.a * ealpha[ei];
    if (u_selected != 0xffffffffu) {
        if (e.x == u_selected || e.y == u_selected)
            alpha = min(1.0, alpha * 3.0 + 0.3);
        else
            alpha *= 0.2;
    }
    v_color = vec4(u_edge_color.rgb, alpha);
    if (ca.w <= 0.0 || cb.w <= 0.0) {
        gl_Position = vec4(0.0, 0.0, 2.0, 1.0);
        v_side = 0.0;
        return;
    }
    vec2 a = to_image(ca), b = to_image(cb);
    vec2 d = b - a;
    float len = length(d);
    vec2 dir = len > 1e-4 ? d / len : vec2(1.0, 0.0);
    vec2 n = vec2(-dir.y, dir.x);
    float along = float(gl_VertexID & 1), side = float(gl_VertexID >> 1) * 2.0 - 1.0;
    float ext = hw + 1.0;
    vec2 p = mix(a, b, along) + n * side * ext - u_tile.xy;
    v_side = side * ext;
    gl_Position = vec4(p.x / u_tile.z * 2.0 - 1.0, 1.0 - p.y / u_tile.w * 2.0, 0.0, 1.0);
}
