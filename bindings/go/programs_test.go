package weft_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The example programs and the exit test's program, built once, into one directory, by one
// `go build` (which links them in parallel).
var programs struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if programs.dir != "" {
		os.RemoveAll(programs.dir)
	}
	os.Exit(code)
}

// program is the path of a built program: "exitprog" or an example's name.
func program(t *testing.T, name string) string {
	t.Helper()
	programs.once.Do(func() {
		if programs.dir, programs.err = os.MkdirTemp("", "weft-go"); programs.err != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", programs.dir+"/", "./examples/...",
			"./internal/exitprog").CombinedOutput()
		if err != nil {
			programs.err = &buildError{err, out}
		}
	})
	if programs.err != nil {
		t.Fatal(programs.err)
	}
	return filepath.Join(programs.dir, name)
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + string(e.out) }

// result is how a program run ended.
type result struct {
	stdout, stderr string
	code           int // -1 if killed by a signal
	elapsed        time.Duration
}

// run runs a built program with a time limit: a hang fails the test instead of hanging it.
func run(t *testing.T, name string, args ...string) result {
	t.Helper()
	path := program(t, name) // built first: the limit is the run's alone
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %v: no exit within the time limit; output %q", name, args, stdout.String())
	}
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatal(err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode(), time.Since(start)}
}
