// threading_timer (PyMOTW "threading"): a cancelled Timer never runs; a non-daemon one runs
// after main's last line, before the program ends (weft.Shutdown, deferred).
package main

import (
	"fmt"
	"time"

	"weft"
)

func main() {
	defer weft.Shutdown()
	t1, err := weft.NewTimer(100*time.Millisecond, func() { fmt.Println("t1 fired") }, weft.Name("t1"))
	if err != nil {
		panic(err)
	}
	t2, err := weft.NewTimer(100*time.Millisecond, func() { fmt.Println("t2 fired") }, weft.Name("t2"))
	if err != nil {
		panic(err)
	}
	for _, t := range []*weft.Timer{t1, t2} {
		if err := t.Start(); err != nil {
			panic(err)
		}
	}
	t2.Cancel()
	fmt.Println("Main thread done")
}
