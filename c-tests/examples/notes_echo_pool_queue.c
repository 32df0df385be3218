/*
 * Python Notes "Creating a worker pool", using threading & queue: an echo server whose accept
 * loop puts each connection on a Queue, served by a fixed set of daemon worker threads.
 *
 * The server listens on 127.0.0.1 and a port the OS picks (the seed uses port 15000), with 4
 * workers (the seed has 128). Instead of serving forever, it serves the NCLIENTS clients the
 * program starts itself (see echo.h), then shuts the queue down, which ends the workers' loops.
 */
#include "echo.h"

#define NWORKERS 4

/* A worker: serves the connections it gets from the queue, until the queue is shut down. */
static void *echo_worker(void *arg) {
    weft_queue *q = arg;
    void *item;
    weft_status status;
    while ((status = weft_queue_get(q, true, WEFT_TIMEOUT_FOREVER, &item)) == WEFT_STATUS_OK) {
        echo_client(item);
        conn_free(item);
    }
    if (status != WEFT_STATUS_SHUT_DOWN) {
        CHECK(status);
    }
    return NULL;
}

int main(void) {
    int port;
    int sock = echo_listen(&port);
    printf("Echo server running at 127.0.0.1:%d\n", port);

    /* Launch the client workers. A connection still queued when the queue is freed is closed by
       conn_free, its destructor. */
    weft_queue *q;
    CHECK(weft_queue_new(WEFT_QUEUE_FIFO, 0, conn_free, &q));
    weft_thread *workers[NWORKERS];
    for (int n = 0; n < NWORKERS; n++) {
        CHECK(weft_thread_new(echo_worker, q, NULL, &workers[n]));
        CHECK(weft_thread_set_daemon(workers[n], true));
        CHECK(weft_thread_start(workers[n]));
    }

    /* Run the server, for the clients this program starts. */
    weft_thread *clients[NCLIENTS];
    echo_clients_start(port, clients);
    for (int i = 0; i < NCLIENTS; i++) {
        CHECK(weft_queue_put(q, echo_accept(sock), true, WEFT_TIMEOUT_FOREVER));
    }
    echo_clients_join(clients);
    close(sock);

    CHECK(weft_queue_shutdown(q, false, NULL, NULL));
    for (int n = 0; n < NWORKERS; n++) {
        CHECK(weft_thread_join(workers[n], WEFT_TIMEOUT_FOREVER));
        weft_thread_free(workers[n]);
    }
    weft_queue_free(q);
    printf("Echo server shut down\n");
    return 0;
}
