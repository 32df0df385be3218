// threading_event (PyMOTW "threading"): Event.wait without a limit sees the event set; with a
// limit it gives up first.
package main

import (
	"context"
	"fmt"
	"time"

	"weft"
)

func main() {
	event := weft.NewEvent()
	blocking, err := weft.Go(func() {
		event.Wait()
		fmt.Printf("wait_for_event: event set: %v\n", event.IsSet())
	})
	if err != nil {
		panic(err)
	}
	nonblocking, err := weft.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		fmt.Printf("wait_for_event_timeout: event set: %v\n", event.WaitContext(ctx) == nil)
	})
	if err != nil {
		panic(err)
	}
	if err := nonblocking.Join(); err != nil {
		panic(err)
	}
	fmt.Println("main: setting event")
	event.Set()
	if err := blocking.Join(); err != nil {
		panic(err)
	}
}
