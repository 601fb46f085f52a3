/* layout_ref: the same Fruchterman-Reingold steps on the CPU, in plain C.
 *
 * The oracle for the GPU solver's tests, and the fallback where compute
 * shaders are missing. Also the one definition of the initial placement,
 * shared with the GPU path and with -n 0 exports. */
#ifndef IPVIZ_LAYOUT_REF_H
#define IPVIZ_LAYOUT_REF_H

#include <stdbool.h>
#include <stdint.h>

typedef struct layout_params {
    int dims;          /* 2 (default) or 3 */
    int iterations;    /* cooling schedule length (default 100) */
    uint32_t seed;     /* initial placement and random kicks (default 1) */
    bool nx_compat;    /* networkx spring_layout's exact formulation */
} layout_params;

/* Fills defaults for zero fields. */
layout_params layout_params_resolve(const layout_params *p);

/* Deterministic initial placement of node `id` for `seed`: uniform in
 * [0,1)^dims, independent of the order nodes arrive in. */
void layout_initial_position(uint32_t seed, uint32_t id, int dims, float *out);

#endif
