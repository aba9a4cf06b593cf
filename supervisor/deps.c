#include "supervisor/deps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum color { WHITE, GREY, BLACK };

static int index_of(const struct dep_node *nodes, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(nodes[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Depth-first search; on reaching a grey node, every node on the stack from
 * it upwards is on the cycle. The path is kept for the message. */
static void visit(struct dep_node *nodes, size_t n, size_t v, enum color *color, int *stack,
		  size_t depth)
{
	color[v] = GREY;
	stack[depth] = (int)v;
	for (size_t d = 0; d < nodes[v].n_depends; d++) {
		int w = nodes[v].dep_index[d];
		if (w < 0)
			continue;
		if (color[w] == WHITE) {
			visit(nodes, n, (size_t)w, color, stack, depth + 1);
			continue;
		}
		if (color[w] != GREY)
			continue;
		size_t from = depth;
		while (stack[from] != w)
			from--;
		char chain[DEPS_ERR_LEN] = "";
		for (size_t i = from; i <= depth; i++) {
			strncat(chain, nodes[stack[i]].name, sizeof chain - strlen(chain) - 1);
			strncat(chain, " -> ", sizeof chain - strlen(chain) - 1);
		}
		strncat(chain, nodes[w].name, sizeof chain - strlen(chain) - 1);
		for (size_t i = from; i <= depth; i++)
			snprintf(nodes[stack[i]].err, DEPS_ERR_LEN,
				 "dependency cycle %s: remove one of these depends_on", chain);
	}
	color[v] = BLACK;
}

size_t deps_resolve(struct dep_node *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		nodes[i].err[0] = '\0';
		for (size_t d = 0; d < nodes[i].n_depends; d++) {
			nodes[i].dep_index[d] = index_of(nodes, n, nodes[i].depends_on[d]);
			if (nodes[i].dep_index[d] < 0)
				snprintf(nodes[i].err, DEPS_ERR_LEN,
					 "depends_on \"%s\": no such service: fix the name or add "
					 "the service",
					 nodes[i].depends_on[d]);
			else if (nodes[i].dep_index[d] == (int)i)
				snprintf(nodes[i].err, DEPS_ERR_LEN,
					 "depends_on itself: remove \"%s\" from its depends_on",
					 nodes[i].name);
		}
	}
	enum color *color = calloc(n + 1, sizeof *color);
	int *stack = calloc(n + 1, sizeof *stack);
	if (color && stack)
		for (size_t i = 0; i < n; i++)
			if (color[i] == WHITE)
				visit(nodes, n, i, color, stack, 0);
	free(color);
	free(stack);
	size_t flagged = 0;
	for (size_t i = 0; i < n; i++)
		flagged += nodes[i].err[0] != '\0';
	return flagged;
}
