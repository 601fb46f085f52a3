// Nodes: an anti-aliased disc with an optional darker rim and a ring for the
// hovered and selected nodes.
#version 430
in vec2 v_local;
flat in float v_r;
flat in vec4 v_color;
flat in float v_ring;
flat in vec4 v_ring_color;
flat in float v_rim;
out vec4 o_color;

void main()
{
    float d = length(v_local);
    float outer = v_r + v_ring;
    float a = clamp(outer - d + 0.5, 0.0, 1.0);
    if (a <= 0.0)
        discard;
    vec4 c = v_color;
    if (v_rim > 0.0)
        c.rgb *= mix(1.0, 0.7, clamp(d - (v_r - 1.5), 0.0, 1.0));
    if (v_ring > 0.0)
        c = mix(c, v_ring_color, clamp(d - v_r + 0.5, 0.0, 1.0));
    o_color = vec4(c.rgb, c.a * a);
}
