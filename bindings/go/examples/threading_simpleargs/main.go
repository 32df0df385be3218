// threading_simpleargs (PyMOTW "threading"): passing arguments to threads. Five "Worker: i"
// lines, in any order.
package main

import (
	"fmt"

	"weft"
)

func worker(num int) { fmt.Printf("Worker: %d\n", num) }

func main() {
	defer weft.Shutdown()
	for i := 0; i < 5; i++ {
		i := i
		if _, err := weft.Go(func() { worker(i) }); err != nil {
			panic(err)
		}
	}
}
