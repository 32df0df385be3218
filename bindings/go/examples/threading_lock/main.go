// threading_lock (PyMOTW "threading"): a Lock around a counter; five threads add three each:
// "Counter: 15".
package main

import (
	"fmt"

	"weft"
)

func main() {
	lock := weft.NewLock()
	counter := 0
	var threads []*weft.Thread
	for i := 0; i < 5; i++ {
		t, err := weft.Go(func() {
			for j := 0; j < 3; j++ {
				lock.Lock()
				counter++
				lock.Unlock()
			}
		})
		if err != nil {
			panic(err)
		}
		threads = append(threads, t)
	}
	for _, t := range threads {
		if err := t.Join(); err != nil {
			panic(err)
		}
	}
	fmt.Printf("Counter: %d\n", counter)
}
