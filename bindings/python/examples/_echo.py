# The part of the echo examples that is not the seed's: the clients the program starts itself,
# so that it can check the server and then stop (the C examples share c-tests/echo.h the same way).
from socket import create_connection

NCLIENTS = 8

def client(addr: tuple[str, int], i: int, replies: dict[int, str]) -> None:
    '''Sends one line to the server at addr and records what comes back in replies[i].'''
    with create_connection(addr) as conn:
        message = ("hello from client %d" % i).encode()
        conn.sendall(message)
        reply = b""
        while len(reply) < len(message):
            reply += conn.recv(65536)
        replies[i] = reply.decode()
