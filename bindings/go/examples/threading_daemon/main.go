// threading_daemon (PyMOTW "threading"): a daemon thread does not keep the program alive; the
// non-daemon one is waited for (weft.Shutdown, deferred). "daemon Exiting" is never printed.
// main waits until the daemon has started, so that its "Starting" is always printed.
package main

import (
	"fmt"
	"time"

	"weft"
)

func main() {
	defer weft.Shutdown()
	started := weft.NewEvent()
	if _, err := weft.Go(func() {
		fmt.Println("daemon Starting")
		started.Set()
		time.Sleep(500 * time.Millisecond)
		fmt.Println("daemon Exiting")
	}, weft.Name("daemon"), weft.Daemon()); err != nil {
		panic(err)
	}
	if _, err := weft.Go(func() {
		fmt.Println("non-daemon Starting")
		fmt.Println("non-daemon Exiting")
	}, weft.Name("non-daemon")); err != nil {
		panic(err)
	}
	started.Wait()
}
