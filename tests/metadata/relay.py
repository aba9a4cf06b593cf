#!/usr/bin/env python3
"""stdin/stdout <-> 127.0.0.1:PORT, for qemu's guestfwd=...-cmd:, which runs
a command per guest connection with the connection on its stdio."""
import os
import selectors
import socket
import sys

sock = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
sock.settimeout(None)
sel = selectors.DefaultSelector()
sel.register(0, selectors.EVENT_READ, "in")
sel.register(sock, selectors.EVENT_READ, "sock")
open_ends = 2
while open_ends:
    for key, _ in sel.select(timeout=30):
        if key.data == "in":
            data = os.read(0, 65536)
            if not data:
                sel.unregister(0)
                sock.shutdown(socket.SHUT_WR)
                open_ends -= 1
            else:
                sock.sendall(data)
        else:
            data = sock.recv(65536)
            if not data:
                sel.unregister(sock)
                open_ends -= 1
                os.close(1)
            else:
                os.write(1, data)
