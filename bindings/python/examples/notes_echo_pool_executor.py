# Python notes, "Creating a worker pool", using concurrent.futures.ThreadPoolExecutor: an echo
# server that submits each connection to a thread pool. With weft.
#
# The server listens on 127.0.0.1 and a port the OS picks (the notes use port 15000), with a
# pool of 4 threads (the notes have 128). Instead of serving forever, it serves the 8 clients
# the program starts itself, then shuts the pool down.
from socket import AF_INET, SOCK_STREAM, socket
from typing import Any
from weft.futures import ThreadPoolExecutor
from weft import Thread
from _echo import NCLIENTS, client

def echo_client(sock: socket, client_addr: Any) -> None:
    '''
    Handle a client connection
    '''
    while True:
        msg = sock.recv(65536)
        if not msg:
            break
        sock.sendall(msg)
    sock.close()

def echo_server(addr: tuple[str, int]) -> None:
    pool = ThreadPoolExecutor(4)
    sock = socket(AF_INET, SOCK_STREAM)
    sock.bind(addr)
    sock.listen(5)
    addr = sock.getsockname()
    print('Echo server running at', addr[0])

    replies: dict[int, str] = {}
    clients = [Thread(target=client, args=(addr, i, replies)) for i in range(NCLIENTS)]
    for c in clients:
        c.start()
    for _ in range(NCLIENTS):
        client_sock, client_addr = sock.accept()
        pool.submit(echo_client, client_sock, client_addr)
    for c in clients:
        c.join()
    sock.close()
    pool.shutdown()
    for i in range(NCLIENTS):
        print("client %d got back: %s" % (i, replies[i]))
    print("Echo server shut down")

echo_server(('127.0.0.1', 0))
