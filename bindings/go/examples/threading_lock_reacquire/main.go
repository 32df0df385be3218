// threading_lock_reacquire and threading_rlock (PyMOTW "threading"): a Lock is not reentrant,
// an RLock is.
package main

import (
	"fmt"

	"weft"
)

func main() {
	lock := weft.NewLock()
	lock.Lock()
	fmt.Println("First try: true")
	fmt.Printf("Second try: %v\n", lock.TryLock())
	rlock := weft.NewRLock()
	rlock.Lock()
	fmt.Println("RLock first try: true")
	fmt.Printf("RLock second try: %v\n", rlock.TryLock())
}
