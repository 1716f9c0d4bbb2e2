//go:build unix

package store

import (
	"bufio"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash test re-executes this test binary as a child that saves the
// profiles file in a loop, kills it with SIGKILL after a random delay, and
// checks that the file is always valid and holds either the last save the
// child reported complete or the one it was in the middle of.
//
// Iterations: TOKENINSPECTOR_CRASH_ITERATIONS (default 300), bounded by
// TOKENINSPECTOR_CRASH_SECONDS (default 20 s), whichever comes first.

const crashChildEnv = "TOKENINSPECTOR_CRASH_CHILD"

func TestCrashDuringSave(t *testing.T) {
	iterations := envInt("TOKENINSPECTOR_CRASH_ITERATIONS", 300)
	budget := time.Duration(envInt("TOKENINSPECTOR_CRASH_SECONDS", 20)) * time.Second
	if testing.Short() {
		iterations, budget = 20, 5*time.Second
	}
	path := filepath.Join(t.TempDir(), "profiles.json")
	start := time.Now()
	lastGen, kills, midSave := 0, 0, 0
	for kills < iterations && time.Since(start) < budget {
		reported := runAndKill(t, path)
		gen := checkFile(t, path)
		if reported > 0 && gen != reported && gen != reported+1 {
			t.Fatalf("after kill %d: file holds generation %d, but the child last completed %d", kills, gen, reported)
		}
		if gen < lastGen {
			t.Fatalf("after kill %d: generation went back from %d to %d", kills, lastGen, gen)
		}
		if gen == reported+1 {
			midSave++ // killed after the rename, before it could report
		}
		lastGen = gen
		kills++
	}
	// The store opens cleanly and removes the crashed writers' leftovers.
	s, prob, err := Open(path)
	if err != nil || prob != nil {
		t.Fatalf("Open after crashes: %v %v", prob, err)
	}
	if len(s.List()) == 0 {
		t.Error("no profiles after the crash loop")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix(path)) {
			t.Errorf("leftover %s after Open", e.Name())
		}
	}
	t.Logf("%d SIGKILLs in %s, %d generations saved, %d kills between rename and report",
		kills, time.Since(start).Round(time.Millisecond), lastGen, midSave)
	if kills < 10 {
		t.Errorf("only %d iterations ran in %s", kills, budget)
	}
}

// runAndKill starts the child, waits for it to start saving, kills it after
// a random delay, and returns the last generation it reported saved.
func runAndKill(t *testing.T, path string) int {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n') // "ready": the child opened the store
	if err != nil || line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child did not start: %q %v", line, err)
	}
	time.Sleep(time.Duration(mrand.IntN(15000)) * time.Microsecond)
	cmd.Process.Signal(syscall.SIGKILL)
	reported := 0
	for {
		line, err := r.ReadString('\n')
		if n, convErr := strconv.Atoi(strings.TrimSpace(line)); convErr == nil {
			reported = n
		}
		if err != nil {
			break
		}
	}
	cmd.Wait()
	return reported
}

// checkFile asserts the file (and its backup) parse, and that every profile
// belongs to one generation; it returns the generation (0: no file yet).
func checkFile(t *testing.T, path string) int {
	t.Helper()
	gen := 0
	for i, p := range []string{path, path + ".bak"} {
		data, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		ps, err := parseProfiles(data)
		if err != nil {
			t.Fatalf("%s is damaged after a SIGKILL: %v\n%q", p, err, data)
		}
		g, err := generationOf(ps)
		if err != nil {
			t.Fatalf("%s mixes saves: %v", p, err)
		}
		if i == 0 {
			gen = g
		}
	}
	return gen
}

// generationOf checks a generation's shape: 1+g%7 profiles, all noted "g".
func generationOf(ps []Profile) (int, error) {
	if len(ps) == 0 {
		return 0, fmt.Errorf("no profiles")
	}
	g, err := strconv.Atoi(ps[0].Notes)
	if err != nil {
		return 0, err
	}
	if len(ps) != 1+g%7 {
		return 0, fmt.Errorf("generation %d has %d profiles, want %d", g, len(ps), 1+g%7)
	}
	for _, p := range ps {
		if p.Notes != ps[0].Notes {
			return 0, fmt.Errorf("generations %s and %s in one file", ps[0].Notes, p.Notes)
		}
	}
	return g, nil
}

// TestCrashChild is the child process: it saves generations forever,
// printing each one after it is saved, until killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("the crash test's child process; runs only under TestCrashDuringSave")
	}
	s, _, err := Open(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	gen := 0
	if ps := s.List(); len(ps) > 0 {
		gen, _ = generationOf(ps)
	}
	os.Stdout.WriteString("ready\n")
	for {
		gen++
		g := gen
		err := s.mutate(func([]Profile) ([]Profile, error) {
			var ps []Profile
			for i := range 1 + g%7 {
				p := sample(fmt.Sprintf("profile %d", i))
				p.Notes = strconv.Itoa(g)
				p.ID = newID()
				// Vary the size so a torn write would show.
				p.Scopes = append(p.Scopes, strings.Repeat("x", g%200+1))
				ps = append(ps, p)
			}
			return ps, nil
		})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		os.Stdout.WriteString(strconv.Itoa(g) + "\n")
	}
}

// TestTwoProcesses: two processes add profiles to one file at the same time;
// the file lock and the re-read before each write keep every addition.
func TestTwoProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "profiles.json")
	const perChild = 20
	var cmds []*exec.Cmd
	for i := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAddChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), addChildEnv+"="+path, fmt.Sprintf("%s_PREFIX=p%d", addChildEnv, i),
			fmt.Sprintf("%s_COUNT=%d", addChildEnv, perChild))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v", err)
		}
	}
	s, prob, err := Open(path)
	if err != nil || prob != nil {
		t.Fatalf("Open: %v %v", prob, err)
	}
	if n := len(s.List()); n != 2*perChild {
		t.Errorf("%d profiles after two processes added %d each", n, perChild)
	}
}

const addChildEnv = "TOKENINSPECTOR_ADD_CHILD"

// TestAddChild is TestTwoProcesses' child: it creates COUNT profiles.
func TestAddChild(t *testing.T) {
	path := os.Getenv(addChildEnv)
	if path == "" {
		t.Skip("a child process of TestTwoProcesses")
	}
	s, _, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range envInt(addChildEnv+"_COUNT", 10) {
		if _, err := s.Create(sample(fmt.Sprintf("%s-%03d", os.Getenv(addChildEnv+"_PREFIX"), i))); err != nil {
			t.Fatal(err)
		}
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
