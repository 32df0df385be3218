/*
 * Python Notes "Creating a worker pool", using concurrent.futures.ThreadPoolExecutor: an echo
 * server whose accept loop submits each connection to a thread pool of 128 workers (started on
 * demand, so only as many as needed run).
 *
 * The server listens on 127.0.0.1 and a port the OS picks (the seed uses port 15000). Instead of
 * serving forever, it serves the NCLIENTS clients the program starts itself (see echo.h), then
 * shuts the pool down, waiting for the connections being served.
 */
#include "echo.h"

/* pool.submit(echo_client, client_sock, client_addr): the connection is the task's argument,
   closed by conn_free, its destructor, once the task returns. */
static int echo_task(void *arg, void **result_out) {
    (void)result_out;
    echo_client(arg);
    return 0;
}

int main(void) {
    int port;
    int sock = echo_listen(&port);
    printf("Echo server running at 127.0.0.1:%d\n", port);
    weft_pool *pool;
    CHECK(weft_pool_new(128, NULL, NULL, NULL, NULL, &pool));

    weft_thread *clients[NCLIENTS];
    echo_clients_start(port, clients);
    for (int i = 0; i < NCLIENTS; i++) {
        weft_future *future;
        CHECK(weft_pool_submit(pool, echo_task, echo_accept(sock), conn_free, &future));
        weft_future_free(future); /* the seed ignores the future too */
    }
    echo_clients_join(clients);
    close(sock);

    CHECK(weft_pool_shutdown(pool, true, false));
    weft_pool_free(pool);
    printf("Echo server shut down\n");
    return 0;
}
