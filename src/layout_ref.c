/* layout_ref: CPU Fruchterman-Reingold (the oracle) and the initial placement. */
#include "layout_ref.h"

layout_params layout_params_resolve(const layout_params *p)
{
    layout_params r = p ? *p : (layout_params){0};
    if (r.dims != 3)
        r.dims = 2;
    if (r.iterations <= 0)
        r.iterations = 100;
    if (r.seed == 0)
        r.seed = 1;
    return r;
}

/* splitmix64 of (seed, id, axis): a counter-based generator, so a node's
 * start does not depend on which nodes came before it. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void layout_initial_position(uint32_t seed, uint32_t id, int dims, float *out)
{
    for (int k = 0; k < dims; k++) {
        uint64_t r = mix(((uint64_t)seed << 34) ^ ((uint64_t)id << 2) ^ (uint64_t)k);
        out[k] = (float)(r >> 40) * (1.0f / 16777216.0f);
    }
}
