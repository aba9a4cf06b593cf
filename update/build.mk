# update/: the A/B slots on the ESP, a library linked into stelectl
# (ctl/build.mk) with metadata's sandbox, which confines its file check.
UPDATE_SRCS := $(wildcard update/*.c) metadata/sandbox.c
UPDATE_OBJS := $(UPDATE_SRCS:%.c=$(OBJ)/%.o)
UPDATE_LIBS := -lseccomp -lcap
TEST_LIBS_test_update_slots := -lseccomp -lcap
