// threading_condition (PyMOTW "threading"): two consumers wait on a Condition until the
// producer makes the resource available, and see it after the producer's line.
package main

import (
	"fmt"

	"weft"
)

func main() {
	defer weft.Shutdown()
	condition := weft.NewCondition(nil)
	available := false
	for _, name := range []string{"c1", "c2"} {
		name := name
		if _, err := weft.Go(func() {
			condition.Lock()
			defer condition.Unlock()
			if err := condition.WaitFor(func() bool { return available }); err != nil {
				panic(err)
			}
			fmt.Printf("%s: resource is available to consumer\n", name)
		}, weft.Name(name)); err != nil {
			panic(err)
		}
	}
	condition.Lock()
	fmt.Println("p: making resource available")
	available = true
	if err := condition.NotifyAll(); err != nil {
		panic(err)
	}
	condition.Unlock()
}
