#include "tests/fuzz/replay.h"

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int fuzz_replay(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int replayed = 0;
	struct dirent *e;
	while (replayed >= 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rbe");
		if (!f) {
			replayed = -1;
			break;
		}
		static uint8_t data[4 << 20];
		size_t n = fread(data, 1, sizeof data, f);
		fclose(f);
		replayed = LLVMFuzzerTestOneInput(data, n) == 0 ? replayed + 1 : -1;
	}
	closedir(d);
	if (replayed >= 0)
		printf("# figure: %d inputs of %s replayed\n", replayed, dir);
	return replayed;
}
