// Command exitprog ends in the way its argument names, with weft threads still running: the
// subject of exit_test.go, which runs it in a child process with a time limit.
package main

/*
#cgo pkg-config: weft
#include <stdio.h>
#include <unistd.h>
#include <weft.h>

// A non-daemon thread of C's own (no Go in it): sleeps, then prints.
static void *sleeper(void *arg) {
    (void)arg;
    usleep(300000);
    printf("c thread done\n");
    fflush(stdout);
    return NULL;
}

static int start_c_thread(void) {
    weft_thread *t;
    if (weft_thread_new(sleeper, NULL, NULL, &t) != WEFT_STATUS_OK) return -1;
    if (weft_thread_set_daemon(t, false) != WEFT_STATUS_OK) return -1;
    enum weft_status s = weft_thread_start(t);
    weft_thread_free(t);
    return s == WEFT_STATUS_OK ? 0 : -1;
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"weft"
)

// The main goroutine keeps the main thread, so that the threads below are started from another
// OS thread, which weft sees as a foreign thread (daemon threads start daemon threads by default).
func init() { runtime.LockOSThread() }

// start starts a weft thread from a goroutine (another OS thread than main's).
func start(fn func(), opts ...weft.ThreadOption) {
	done := make(chan error)
	go func() {
		_, err := weft.Go(fn, opts...)
		done <- err
	}()
	if err := <-done; err != nil {
		panic(err)
	}
}

// nonDaemon starts a non-daemon thread still running when main ends (for a second: a process
// that does not wait for it is long gone by then, even on a loaded machine).
func nonDaemon() {
	start(func() { time.Sleep(time.Second); fmt.Println("thread done") })
}

// daemons starts daemon threads still running when main ends: one sleeping, one never ending.
func daemons() {
	start(func() { time.Sleep(time.Second); fmt.Println("daemon done") }, weft.Daemon())
	start(func() { weft.NewEvent().Wait() }, weft.Daemon())
}

// forever starts a non-daemon thread that never ends.
func forever() { start(func() { weft.NewEvent().Wait() }) }

func main() {
	switch os.Args[1] {
	case "return": // main returns: Go ends the process, the thread is abandoned
		nonDaemon()
		fmt.Println("ready")
	case "os-exit":
		nonDaemon()
		fmt.Println("ready")
		os.Exit(3)
	case "shutdown": // the documented way: main defers weft.Shutdown
		defer weft.Shutdown()
		nonDaemon()
		fmt.Println("ready")
	case "exit":
		nonDaemon()
		fmt.Println("ready")
		weft.Exit(3)
	case "panic": // deferred functions run while the panic unwinds main
		defer weft.Shutdown()
		nonDaemon()
		fmt.Println("ready")
		panic("oops")
	case "goroutine-panic": // a panic elsewhere ends the process at once
		defer weft.Shutdown()
		nonDaemon()
		fmt.Println("ready")
		done := make(chan bool)
		go func() { panic("oops") }()
		<-done
	case "thread-panic": // a panic on a weft thread ends the process, as in a goroutine
		defer weft.Shutdown()
		start(func() { panic("in a weft thread") })
		time.Sleep(10 * time.Second)
	case "daemon-return", "daemon-exit":
		defer weft.Shutdown()
		daemons()
		fmt.Println("main")
		if os.Args[1] == "daemon-exit" {
			weft.Exit(0)
		}
	case "pool":
		defer weft.Shutdown()
		pool, err := weft.NewPool(1, "")
		if err != nil {
			panic(err)
		}
		for i := 0; i < 3; i++ {
			i := i
			if _, err := weft.Submit(pool, func() (int, error) {
				time.Sleep(50 * time.Millisecond)
				fmt.Println("task", i)
				return i, nil
			}); err != nil {
				panic(err)
			}
		}
		fmt.Println("main")
	case "c-thread":
		defer weft.Shutdown()
		if C.start_c_thread() != 0 {
			panic("start_c_thread")
		}
		fmt.Println("main")
	case "shutdown-timeout":
		forever()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		err := weft.ShutdownContext(ctx)
		fmt.Println(err, errors.Is(err, context.DeadlineExceeded))
	case "sigterm": // killed (SIGTERM, SIGINT) while main waits in Shutdown
		defer weft.Shutdown()
		forever()
		fmt.Println("ready")
	default:
		panic(os.Args[1])
	}
}
