/* loader: STUB, replaced by the loader module's implementation. */
#include "loader.h"
#include <stdlib.h>
struct loader { loader_stats stats; };
loader *loader_start(const loader_desc *desc) { (void)desc; return calloc(1, sizeof(loader)); }
bool loader_done(const loader *l) { (void)l; return true; }
void loader_cancel(loader *l) { (void)l; }
void loader_join(loader *l) { (void)l; }
void loader_destroy(loader *l) { free(l); }
const loader_stats *loader_get_stats(const loader *l) { return &l->stats; }
double loader_seconds(const loader *l) { (void)l; return 0; }
int loader_problem_count(const loader *l) { (void)l; return 0; }
