/* layout_gpu: what the C side and the layout compute shaders agree on.
 *
 * Binding numbers, the workgroup size and the uniform block layout live here
 * only: layout.c prepends them to every layout shader as #defines, so the
 * GLSL never restates a number. layout_consts (layout_ref.h) is the uniform
 * block's std140 image: scalars in groups of four, the uint[12] array read in
 * GLSL as uvec4[3]. */
#ifndef IPVIZ_LAYOUT_GPU_H
#define IPVIZ_LAYOUT_GPU_H

#include <stddef.h>
#include <stdint.h>

#include "layout_ref.h"

#define LAYOUT_WG 128          /* invocations per workgroup, every kernel */
#define LAYOUT_SCAN_BLOCK 64  /* cells per invocation in the prefix sum */
#define LAYOUT_SPRING_CAP 16  /* the grid pass does the springs of nodes of this degree or
                                 less, a pass after it those of the rest */

/* Uniform block */
#define LAYOUT_B_CONSTS 0
/* Shader storage blocks */
#define LAYOUT_B_POS 0       /* vec4 per node: xyz, w unused; the renderer reads it */
#define LAYOUT_B_EDGES 1     /* uvec2 per edge; the renderer reads it, the solver does not */
#define LAYOUT_B_DISP 2      /* vec4 per node: this step's displacement */
#define LAYOUT_B_CSR_OFF 3   /* uvec2 per node: first adjacency entry, entry count */
#define LAYOUT_B_CSR_ADJ 4   /* uvec2 per entry: neighbour id, floatBitsToUint(weight) */
#define LAYOUT_B_FLAGS 5     /* uint per node: bit 0 pinned */
#define LAYOUT_B_BBOX 6      /* uint[8]: order-preserving bits of min xyz, _, max xyz, then
                                the sampled near pairs (layout_schedule_grid) */
#define LAYOUT_B_NODE_CELL 7 /* uvec2 per node: finest cell, slot in it */
#define LAYOUT_B_CELLS 8     /* uint[2] per finest cell: first sorted slot, node count */
#define LAYOUT_B_SORTED 9    /* uint per node: node ids by cell, in the order the scatter
                                left them; read four to a texel */
#define LAYOUT_B_CELLSUM 10  /* vec4 per cell of every level: sum of xyz, count */
#define LAYOUT_B_PARTIAL 11  /* float per workgroup: summed squared moves */
#define LAYOUT_B_BLOCKSUM 12 /* uint[2] per scan block: nodes, occupied cells */
#define LAYOUT_B_PLACE 13    /* uvec2 per new node: node id, anchor id */
#define LAYOUT_B_OCC 14      /* uint per cell of every level: each level's occupied cells, from
                                its level offset (the finest in cell order, the rest in any) */
#define LAYOUT_B_SPOS 15     /* per sorted slot, the node's position: in 2D a vec2 (x, y), two
                                slots per texel; in 3D a vec4 (x, y, z, _) */
#define LAYOUT_B_ORDER 16    /* uint per node: node ids by degree, highest first */
#define LAYOUT_B_LEVELS 17   /* uvec4 per level: workgroups (x, 1, 1) of a pass over its
                                occupied cells (glDispatchComputeIndirect), their count */
#define LAYOUT_B_SID 18      /* uint per sorted slot: the node's id */

/* Buffer textures. Kernels read the arrays they do not write in the same
 * dispatch through a buffer texture over the same buffer, bound to the texture
 * unit of the binding's number (layout_common.glsl's RO_* and AT* macros). On a
 * CPU rasterizer a texel fetch is a vector gather, while a storage-buffer
 * load at a per-lane address is a scalar loop over the lanes (Mesa 22's
 * llvmpipe): the near field ran 2.3 times faster this way. Where a buffer
 * outgrows GL_MAX_TEXTURE_BUFFER_SIZE the kernels are rebuilt to read
 * storage buffers instead (IPVIZ_LAYOUT_TEX_MAX=N lowers the limit, for the
 * tests); a driver with fewer compute texture units than bindings gets
 * those kernels from the start. */

/* Plain uniforms (location numbers) */
#define LAYOUT_U_LEVEL 0   /* cell-sum and far kernels: the level being worked */
#define LAYOUT_U_COUNT 1   /* scan and place kernels: item count */
#define LAYOUT_U_RADIUS 2  /* place kernel: distance from the anchor */

_Static_assert(sizeof(layout_consts) == 128, "layout_consts must match the std140 block");
_Static_assert(offsetof(layout_consts, k2) == 32, "std140 offset of f0");
_Static_assert(offsetof(layout_consts, center) == 64, "std140 offset of center");
_Static_assert(offsetof(layout_consts, level_offset) == 80, "std140 offset of level_offset4");
_Static_assert(LAYOUT_MAX_LEVELS == 12, "GLSL reads level offsets as uvec4[3]");

#endif
