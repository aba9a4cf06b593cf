# config/: the host-side image builder (`stele`) and the YAML schema.
# Links dynamically: it runs on the build host, not in images.
CONFIG_LIBS := -larchive

$(BIN)/stele-mkinitramfs: $(OBJ)/config/mkinitramfs.o $(OBJ)/config/initramfs.o
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ $(CONFIG_LIBS)

all: $(BIN)/stele-mkinitramfs
