/*
 * What the echo-server examples (c-tests/examples/notes_echo_pool_*.c) share: the connection a
 * server hands to a worker, the seed's echo_client (which the seed refers to but does not show:
 * it echoes until the client closes), the listening socket on 127.0.0.1 and an ephemeral port,
 * and the clients, threads of the same program that connect, send a line, read it back and check
 * it, so that each example serves a known number of clients and ends by itself.
 */
#ifndef WEFT_ECHO_H
#define WEFT_ECHO_H

#include "tutorial.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NCLIENTS 8

/* An accepted connection: (client_sock, client_addr) in the seed. */
struct conn {
    int sock;
    struct sockaddr_in addr;
};

/* Closes and frees a connection: the destructor weft calls on a connection it drops. */
static inline void conn_free(void *arg) {
    struct conn *c = arg;
    close(c->sock);
    free(c);
}

static inline void die(const char *what) {
    perror(what);
    exit(1);
}

/* Handles a client connection: echoes until the client closes its side. */
static inline void echo_client(struct conn *c) {
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->addr.sin_addr, host, sizeof host);
    printf("Got connection from %s:%d\n", host, ntohs(c->addr.sin_port));
    char msg[65536];
    ssize_t n;
    while ((n = recv(c->sock, msg, sizeof msg, 0)) > 0) {
        for (ssize_t sent = 0; sent < n;) {
            ssize_t k = send(c->sock, msg + sent, (size_t)(n - sent), 0);
            if (k < 0) {
                die("send");
            }
            sent += k;
        }
    }
    printf("Client closed connection\n");
}

/* sock = socket(AF_INET, SOCK_STREAM); sock.bind(('127.0.0.1', 0)); sock.listen(5) */
static inline int echo_listen(int *port_out) {
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    if (sock < 0) {
        die("socket");
    }
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (bind(sock, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(sock, 5) != 0 ||
        getsockname(sock, (struct sockaddr *)&addr, &len) != 0) {
        die("bind/listen");
    }
    *port_out = ntohs(addr.sin_port);
    return sock;
}

/* client_sock, client_addr = sock.accept() */
static inline struct conn *echo_accept(int sock) {
    struct conn *c = malloc(sizeof *c);
    if (c == NULL) {
        abort();
    }
    socklen_t len = sizeof c->addr;
    c->sock = accept(sock, (struct sockaddr *)&c->addr, &len);
    if (c->sock < 0) {
        die("accept");
    }
    return c;
}

static int echo_port;

/* A client: connects, sends its line, reads the echo back until the server closes, checks it. */
static void *client_run(void *arg) {
    int id = (int)(intptr_t)arg;
    char line[64], back[64];
    int len = snprintf(line, sizeof line, "hello from client %d", id);
    int sock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((uint16_t)echo_port);
    if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) {
        die("connect");
    }
    if (send(sock, line, (size_t)len, 0) != len) {
        die("send");
    }
    shutdown(sock, SHUT_WR);
    size_t got = 0;
    ssize_t n;
    while ((n = recv(sock, back + got, sizeof back - got, 0)) > 0) {
        got += (size_t)n;
    }
    close(sock);
    if (got != (size_t)len || memcmp(line, back, got) != 0) {
        printf("client %d: wrong echo (%zu bytes)\n", id, got);
    } else {
        printf("client %d: echoed '%.*s'\n", id, (int)got, back);
    }
    return NULL;
}

/* Starts NCLIENTS client threads for a server listening on `port`. */
static inline void echo_clients_start(int port, weft_thread *clients[NCLIENTS]) {
    echo_port = port;
    for (int i = 0; i < NCLIENTS; i++) {
        clients[i] = spawn(client_run, (void *)(intptr_t)i, NULL);
    }
}

/* Waits for the clients and releases them. */
static inline void echo_clients_join(weft_thread *clients[NCLIENTS]) {
    for (int i = 0; i < NCLIENTS; i++) {
        CHECK(weft_thread_join(clients[i], WEFT_TIMEOUT_FOREVER));
        weft_thread_free(clients[i]);
    }
}

#endif
