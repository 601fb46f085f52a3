// Text and overlay quads. A vertex either sits at a fixed image pixel (HUD)
// or at an offset from a node's projected position (labels), so labels follow
// their nodes while the layout moves (in whole-pixel steps).
#version 430
layout(std430, binding = 0) readonly buffer Pos { vec4 pos[]; };

layout(location = 0) uniform mat4 u_vp;
layout(location = 1) uniform vec2 u_image;
layout(location = 2) uniform vec4 u_tile;

layout(location = 0) in vec2 a_pos;   // image pixels, or offset from the node
layout(location = 1) in vec2 a_uv;    // atlas; u = -1: solid colour
layout(location = 2) in vec4 a_color;
layout(location = 3) in uint a_node;  // 0xffffffff: none

out vec2 v_uv;
out vec4 v_color;

void main()
{
    vec2 img = a_pos;
    if (a_node != 0xffffffffu) {
        vec4 clip = u_vp * vec4(pos[a_node].xyz, 1.0);
        if (clip.w <= 0.0) {
            gl_Position = vec4(0.0, 0.0, 2.0, 1.0);
            return;
        }
        vec2 ndc = clip.xy / clip.w;
        // The node's pixel, rounded: labels are placed at whole-pixel offsets
        // with the baseline on a pixel edge, so thin horizontal strokes stay
        // crisp (a '2' keeps its foot at 13 px). Tiles start at whole pixels.
        img += floor(vec2((ndc.x * 0.5 + 0.5) * u_image.x, (0.5 - ndc.y * 0.5) * u_image.y) + 0.5);
    }
    vec2 t = img - u_tile.xy;
    v_uv = a_uv;
    v_color = a_color;
    gl_Position = vec4(t.x / u_tile.z * 2.0 - 1.0, 1.0 - t.y / u_tile.w * 2.0, 0.0, 1.0);
}
