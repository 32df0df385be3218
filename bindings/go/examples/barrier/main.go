// barrier (PyMOTW "threading", Barrier): three threads meet; the action runs once, by the last
// to arrive, before any is released.
package main

import (
	"fmt"
	"sort"

	"weft"
)

func main() {
	barrier, err := weft.NewBarrier(3, func() { fmt.Println("all arrived") }, 0)
	if err != nil {
		panic(err)
	}
	indexes := make(chan int, 3)
	for i := 0; i < 3; i++ {
		i := i
		if _, err := weft.Go(func() {
			if _, err := barrier.Wait(); err != nil {
				panic(err)
			}
			indexes <- i
		}); err != nil {
			panic(err)
		}
	}
	workers := []int{<-indexes, <-indexes, <-indexes}
	sort.Ints(workers)
	fmt.Printf("workers: %d, %d, %d\n", workers[0], workers[1], workers[2])
}
