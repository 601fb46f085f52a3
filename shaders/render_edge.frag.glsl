// Edges: coverage across the line for anti-aliasing.
#version 430
in float v_side;
flat in float v_half;
flat in vec4 v_color;
out vec4 o_color;

void main()
{
    // A line thinner than a pixel keeps its full width of coverage, fainter.
    float w = max(v_half, 0.5);
    float cover = clamp(w - abs(v_side) + 0.5, 0.0, 1.0) * min(1.0, v_half / 0.5);
    if (cover <= 0.0)
        discard;
    o_color = vec4(v_color.rgb, v_color.a * cover);
}
