// threading_daemon (PyMOTW "threading"): a daemon thread does not keep the program alive; the
// non-daemon one is waited for (weft.Shutdown, deferred). "daemon Exiting" is never printed.
package main

import (
	"fmt"
	"time"

	"weft"
)

func main() {
	defer weft.Shutdown()
	if _, err := weft.Go(func() {
		fmt.Println("daemon Starting")
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
}
