// notes_pool (Python notes, "Multithreading", concurrent.futures): a pool's futures, collected
// in submission order.
package main

import (
	"context"
	"fmt"

	"weft"
)

func main() {
	defer weft.Shutdown()
	pool, err := weft.NewPool(3, "")
	if err != nil {
		panic(err)
	}
	defer pool.Close()
	var futures []*weft.Future[int]
	for i := 0; i < 5; i++ {
		i := i
		f, err := weft.Submit(pool, func() (int, error) { return i * i, nil })
		if err != nil {
			panic(err)
		}
		futures = append(futures, f)
	}
	fmt.Print("squares:")
	for _, f := range futures {
		v, err := f.Result(context.Background())
		if err != nil {
			panic(err)
		}
		fmt.Printf(" %d", v)
	}
	fmt.Println()
}
