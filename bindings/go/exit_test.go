package weft_test

import (
	"bufio"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Every way out of a Go program, with daemon and non-daemon weft threads (running Go code, or
// C's own), ends in bounded time with the documented output (README.md, Exit). Each runs
// internal/exitprog in a child process with a time limit.
func TestExitPaths(t *testing.T) {
	const waited = "ready\nthread done\n"
	cases := []struct {
		scenario, stdout string
		code             int
		stderr           string // a part of stderr, if any
	}{
		// Go's own ends do not wait: the C exit handler never runs.
		{"return", "ready\n", 0, ""},
		{"os-exit", "ready\n", 3, ""},
		{"goroutine-panic", "ready\n", 2, "panic: oops"},
		{"thread-panic", "", 2, "panic: in a weft thread"},
		// The binding's: a deferred Shutdown, Exit, and a panic unwinding through the defer.
		{"shutdown", waited, 0, ""},
		{"exit", waited, 3, ""},
		{"panic", waited, 2, "panic: oops"},
		// Daemon threads are abandoned; pools run their queued tasks; C's threads are waited for.
		{"daemon-return", "main\n", 0, ""},
		{"daemon-exit", "main\n", 0, ""},
		{"pool", "main\ntask 0\ntask 1\ntask 2\n", 0, ""},
		{"c-thread", "main\nc thread done\n", 0, ""},
		{"shutdown-timeout", "timed out true\n", 0, ""},
	}
	for _, c := range cases {
		c := c
		t.Run(c.scenario, func(t *testing.T) {
			t.Parallel()
			r := run(t, "exitprog", c.scenario)
			if r.stdout != c.stdout || r.code != c.code || !strings.Contains(r.stderr, c.stderr) {
				t.Fatalf("stdout %q, exit %d, stderr %q", r.stdout, r.code, r.stderr)
			}
			if c.stderr == "" && r.stderr != "" {
				t.Fatalf("stderr %q", r.stderr)
			}
		})
	}
}

// SIGTERM and SIGINT end a program waiting in Shutdown for a thread that never ends, as they end
// one without weft (Go's default action for them).
func TestSignalsEndTheExitWait(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		if signal.Ignored(sig) {
			// A test run started in the background by a non-interactive shell ignores SIGINT,
			// and a child inherits that; a signal handled here is the default in the child.
			signal.Notify(make(chan os.Signal, 1), sig)
			defer signal.Reset(sig)
		}
		cmd := exec.Command(program(t, "exitprog"), "sigterm")
		stdout, err := cmd.StdoutPipe()
		ok(t, err)
		ok(t, cmd.Start())
		timer := time.AfterFunc(20*time.Second, func() { _ = cmd.Process.Kill() })
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || line != "ready\n" {
			t.Fatalf("%q %v", line, err)
		}
		ok(t, cmd.Process.Signal(sig))
		err = cmd.Wait()
		timer.Stop()
		status, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if err == nil || !status.Signaled() || status.Signal() != sig {
			t.Fatalf("%v: %v: %v", sig, err, cmd.ProcessState)
		}
	}
}
