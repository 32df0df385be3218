// threading_semaphore (PyMOTW "threading"): six workers, a Semaphore(2): never more than two
// active at once.
package main

import (
	"fmt"
	"time"

	"weft"
)

func main() {
	defer weft.Shutdown()
	semaphore, err := weft.NewSemaphore(2)
	if err != nil {
		panic(err)
	}
	lock := weft.NewLock()
	active, most := 0, 0
	var workers []*weft.Thread
	for i := 0; i < 6; i++ {
		t, err := weft.Go(func() {
			semaphore.Acquire()
			defer func() { _ = semaphore.Release(1) }()
			lock.Lock()
			active++
			if active > most {
				most = active
			}
			lock.Unlock()
			time.Sleep(10 * time.Millisecond)
			lock.Lock()
			active--
			lock.Unlock()
		})
		if err != nil {
			panic(err)
		}
		workers = append(workers, t)
	}
	for _, t := range workers {
		if err := t.Join(); err != nil {
			panic(err)
		}
	}
	fmt.Printf("most active at once: %d\n", most)
}
