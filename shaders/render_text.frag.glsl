// Signed-distance-field glyphs (edge at 0.5) with an optional halo in the
// background colour; solid quads when u <= -1.
#version 430
layout(binding = 0) uniform sampler2D u_atlas;
layout(location = 13) uniform vec4 u_halo; // alpha 0: none
in vec2 v_uv;
in vec4 v_color;
out vec4 o_color;

void main()
{
    if (v_uv.x < -0.5) { // solid quads use u = -1; a glyph at the atlas edge, sampled just
                        // outside its quad (multisampling), reaches slightly below 0
        o_color = v_color;
        return;
    }
    float d = texture(u_atlas, v_uv).r;
    float w = max(fwidth(d) * 0.7, 1e-3);
    float core = smoothstep(0.5 - w, 0.5 + w, d);
    if (u_halo.a > 0.0) {
        float halo = smoothstep(0.32 - w, 0.32 + w, d) * u_halo.a;
        vec3 c = mix(u_halo.rgb, v_color.rgb, core);
        float a = max(core * v_color.a, halo);
        if (a <= 0.0)
            discard;
        o_color = vec4(c, a);
        return;
    }
    if (core <= 0.0)
        discard;
    o_color = vec4(v_color.rgb, v_color.a * core);
}
