/* sd-notify: send one sd_notify datagram to $NOTIFY_SOCKET, for test
 * services (busybox has no way to). Usage: sd-notify READY=1 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (argc != 2 || !path || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sd-notify READY=1\n");
		return 2;
	}
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&addr, sizeof addr) < 0) {
		perror(path);
		return 1;
	}
	return 0;
}
