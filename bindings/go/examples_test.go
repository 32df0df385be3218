package weft_test

import (
	"os"
	"sort"
	"strings"
	"testing"
)

// Each example of examples/, run as a program, its output checked as tests/cprog/checks.rs
// checks the C ones: exact where it is deterministic, as a multiset of lines where only the
// order varies, an invariant where the content varies.
var exact = map[string]string{
	"threading_lock":           "Counter: 15\n",
	"threading_lock_reacquire": "First try: true\nSecond try: false\nRLock first try: true\nRLock second try: true\n",
	"threading_event":          "wait_for_event_timeout: event set: false\nmain: setting event\nwait_for_event: event set: true\n",
	"barrier":                  "all arrived\nworkers: 0, 1, 2\n",
	"threading_timer":          "Main thread done\nt1 fired\n",
	"notes_pool":               "squares: 0 1 4 9 16\n",
	"course_nonblocking":       "couldn't get lock\ngot lock\n",
}

var anyOrder = map[string][]string{
	"threading_simpleargs":    {"Worker: 0", "Worker: 1", "Worker: 2", "Worker: 3", "Worker: 4"},
	"notes_producer_consumer": {"consumed item 0", "consumed item 1", "consumed item 2", "consumed item 3", "consumed item 4", "all consumed"},
	"threading_daemon":        {"daemon Starting", "non-daemon Starting", "non-daemon Exiting"},
}

// Checked by a function of their own below.
var invariant = []string{"threading_condition", "threading_semaphore"}

func runExample(t *testing.T, name string) string {
	t.Helper()
	r := run(t, name)
	if r.code != 0 {
		t.Fatalf("%s: exit %d\n%s", name, r.code, r.stderr)
	}
	return r.stdout
}

func lines(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

func TestEveryExampleIsChecked(t *testing.T) {
	entries, err := os.ReadDir("examples")
	ok(t, err)
	var have, checked []string
	for _, e := range entries {
		have = append(have, e.Name())
	}
	for name := range exact {
		checked = append(checked, name)
	}
	for name := range anyOrder {
		checked = append(checked, name)
	}
	checked = append(checked, invariant...)
	sort.Strings(checked)
	if strings.Join(have, " ") != strings.Join(checked, " ") {
		t.Fatalf("examples %v, checked %v", have, checked)
	}
}

func TestExamples(t *testing.T) {
	for name, want := range exact {
		name, want := name, want
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := runExample(t, name); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
	for name, want := range anyOrder {
		name, want := name, want
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := lines(runExample(t, name))
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("got %q, want %q", got, want)
			}
		})
	}
	t.Run("threading_condition", func(t *testing.T) {
		t.Parallel()
		got := lines(runExample(t, "threading_condition"))
		consumers := append([]string{}, got[1:]...)
		sort.Strings(consumers)
		if got[0] != "p: making resource available" || strings.Join(consumers, "\n") !=
			"c1: resource is available to consumer\nc2: resource is available to consumer" {
			t.Fatalf("%q", got)
		}
	})
	t.Run("threading_semaphore", func(t *testing.T) {
		t.Parallel()
		got := runExample(t, "threading_semaphore")
		if got != "most active at once: 1\n" && got != "most active at once: 2\n" {
			t.Fatalf("%q", got)
		}
	})
}
