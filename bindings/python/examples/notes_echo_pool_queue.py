# Python notes, "Creating a worker pool", using threading & queue: an echo server whose accept
# loop puts each connection on a Queue, served by daemon worker threads. With weft.
#
# The server listens on 127.0.0.1 and a port the OS picks (the notes use port 15000), with 4
# workers (the notes have 128). Instead of serving forever, it serves the 8 clients the program
# starts itself, then shuts the queue down, which ends the workers' loops.
from __future__ import annotations
from socket import socket, AF_INET, SOCK_STREAM
from typing import Any
from weft import Thread
from _echo import NCLIENTS, client
from weft.queue import Queue, ShutDown

def echo_client(q: Queue[tuple[socket, Any]]) -> None:
    '''
    Handle client connections, until the queue is shut down
    '''
    while True:
        try:
            sock, client_addr = q.get()
        except ShutDown:
            return
        while True:
            msg = sock.recv(65536)
            if not msg:
                break
            sock.sendall(msg)
        sock.close()

def echo_server(addr: tuple[str, int], nworkers: int) -> None:
    # Run the server
    sock = socket(AF_INET, SOCK_STREAM)
    sock.bind(addr)
    sock.listen(5)
    addr = sock.getsockname()
    print('Echo server running at', addr[0])
    # Launch the client workers
    q: Queue[tuple[socket, Any]] = Queue()
    workers = []
    for n in range(nworkers):
        t = Thread(target=echo_client, args=(q,))
        t.daemon = True
        t.start()
        workers.append(t)

    replies: dict[int, str] = {}
    clients = [Thread(target=client, args=(addr, i, replies)) for i in range(NCLIENTS)]
    for c in clients:
        c.start()
    for _ in range(NCLIENTS):
        client_sock, client_addr = sock.accept()
        q.put((client_sock, client_addr))
    for c in clients:
        c.join()
    sock.close()
    q.shutdown()
    for t in workers:
        t.join()
    for i in range(NCLIENTS):
        print("client %d got back: %s" % (i, replies[i]))
    print("Echo server shut down")

echo_server(('127.0.0.1', 0), 4)
