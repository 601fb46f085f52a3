/* A synthetic capture for picture tests and benchmarks: a classic pcap
 * (Ethernet, IPv4/UDP) whose packets form a graph of `hosts` addresses
 * (10.x.y.z) in clusters around a few hubs, like a small network: each host
 * talks to its cluster's hub, and some hosts to a random other host. */
#ifndef IPVIZ_TEST_UTIL_GRAPHPCAP_H
#define IPVIZ_TEST_UTIL_GRAPHPCAP_H

#include <stdbool.h>

/* Writes the capture to path; false if it cannot be written. */
bool test_write_graph_pcap(const char *path, int hosts, unsigned seed);

#endif
