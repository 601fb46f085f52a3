// Nodes: one instance per node, a screen-aligned quad around its projected
// centre. Positions come straight from the layout's SSBO. Locations and
// bindings match src/render.c.
#version 430
layout(std430, binding = 0) readonly buffer Pos { vec4 pos[]; };
struct NodeAttr { uint cls; float r_degree; float r_traffic; };
layout(std430, binding = 2) readonly buffer Attr { NodeAttr attr[]; };
layout(std430, binding = 4) readonly buffer Flags { uint flags[]; };

layout(location = 0) uniform mat4 u_vp;
layout(location = 1) uniform vec2 u_image;
layout(location = 2) uniform vec4 u_tile;      // x, y (top-left), w, h in image pixels
layout(location = 3) uniform float u_scale;    // pixel scale
layout(location = 4) uniform float u_node_scale;
layout(location = 6) uniform int u_color_mode; // 0 class, 1 subnet
layout(location = 7) uniform int u_size_mode;  // 0 degree, 1 traffic
layout(location = 8) uniform uint u_hovered;
layout(location = 9) uniform uint u_selected;
layout(location = 10) uniform int u_perspective;
layout(location = 14) uniform float u_depth_ref;
layout(location = 16) uniform vec4 u_palette[8]; // classes 0..4, 5 ring, 6 background, 7 unused

out vec2 v_local;      // quad coordinates in pixels from the centre
flat out float v_r;    // disc radius in pixels
flat out vec4 v_color;
flat out float v_ring; // ring width in pixels (hovered/selected), 0 otherwise
flat out vec4 v_ring_color;
flat out float v_rim;  // 1: darker rim

vec3 hsv(float h, float s, float v)
{
    vec3 k = clamp(abs(mod(h * 6.0 + vec3(0.0, 4.0, 2.0), 6.0) - 3.0) - 1.0, 0.0, 1.0);
    return v * mix(vec3(1.0), k, s);
}

void main()
{
    uint id = uint(gl_InstanceID);
    NodeAttr a = attr[id];
    vec4 clip = u_vp * vec4(pos[id].xyz, 1.0);
    float r = (u_size_mode == 1 ? a.r_traffic : a.r_degree) * u_scale * u_node_scale;
    if (u_perspective != 0)
        r *= clamp(u_depth_ref / max(clip.w, 1e-6), 0.2, 5.0);
    uint cls = a.cls & 15u;
    vec4 col = u_palette[cls];
    if (u_color_mode == 1 && u_palette[7].x == 0.0)
        col = vec4(hsv(float(a.cls >> 8) / 16777216.0, 0.65, 0.95), 1.0);
    float ring = 0.0;
    if (id == u_hovered || id == u_selected)
        ring = 2.5 * u_scale;
    if (u_selected != 0xffffffffu && id != u_selected && flags[id] == 0u)
        col.a *= 0.25;
    v_color = col;
    v_ring = ring;
    v_ring_color = u_palette[5];
    v_rim = u_palette[7].y;
    v_r = r;
    float ext = r + ring + 1.0;
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1)) * 2.0 - 1.0;
    v_local = corner * ext;
    if (clip.w <= 0.0) {
        gl_Position = vec4(0.0, 0.0, 2.0, 1.0); // behind the eye: clipped
        return;
    }
    vec2 ndc = clip.xy / clip.w;
    vec2 img = vec2((ndc.x * 0.5 + 0.5) * u_image.x, (0.5 - ndc.y * 0.5) * u_image.y);
    vec2 t = img + v_local - u_tile.xy;
    gl_Position = vec4(t.x / u_tile.z * 2.0 - 1.0, 1.0 - t.y / u_tile.w * 2.0, 0.0, 1.0);
}
