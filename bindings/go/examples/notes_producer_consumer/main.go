// notes_producer_consumer (Python notes, "Multithreading"): a Queue between a producer and a
// consumer thread, with TaskDone and Join: every item consumed once, then "all consumed".
package main

import (
	"fmt"

	"weft"
)

func main() {
	queue, err := weft.NewQueue[string](weft.FIFO, 2)
	if err != nil {
		panic(err)
	}
	if _, err := weft.Go(func() {
		for {
			item, err := queue.Get()
			if err != nil {
				panic(err)
			}
			fmt.Printf("consumed %s\n", item)
			if err := queue.TaskDone(); err != nil {
				panic(err)
			}
		}
	}, weft.Daemon()); err != nil {
		panic(err)
	}
	for i := 0; i < 5; i++ {
		if err := queue.Put(fmt.Sprintf("item %d", i)); err != nil {
			panic(err)
		}
	}
	if err := queue.Join(); err != nil {
		panic(err)
	}
	fmt.Println("all consumed")
}
