// course_nonblocking (the course's "Part 5"): TryLock fails while another thread holds the lock,
// and succeeds once it is released.
package main

import (
	"fmt"

	"weft"
)

func main() {
	lock := weft.NewLock()
	held, release := weft.NewEvent(), weft.NewEvent()
	holder, err := weft.Go(func() {
		lock.Lock()
		held.Set()
		release.Wait()
		lock.Unlock()
	})
	if err != nil {
		panic(err)
	}
	held.Wait()
	if !lock.TryLock() {
		fmt.Println("couldn't get lock")
	}
	release.Set()
	if err := holder.Join(); err != nil {
		panic(err)
	}
	if lock.TryLock() {
		fmt.Println("got lock")
		lock.Unlock()
	}
}
