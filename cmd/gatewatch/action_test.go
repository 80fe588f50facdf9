package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// action is the part of action.yml the tests read.
type action struct {
	Inputs map[string]struct {
		Default string `json:"default"`
	} `json:"inputs"`
	Outputs map[string]struct {
		Value string `json:"value"`
	} `json:"outputs"`
	Runs struct {
		Using string `json:"using"`
		Steps []struct {
			ID   string            `json:"id"`
			Uses string            `json:"uses"`
			Run  string            `json:"run"`
			Env  map[string]string `json:"env"`
		} `json:"steps"`
	} `json:"runs"`
}

func readAction(t *testing.T) action {
	t.Helper()
	var a action
	if err := yaml.Unmarshal([]byte(repoFile(t, "action.yml")), &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// TestActionRunsGatewatch runs the action's run step as GitHub would: the
// inputs in the step's environment, GITHUB_OUTPUT a file, gatewatch on
// PATH (this test binary, which is the CLI when named gatewatch).
func TestActionRunsGatewatch(t *testing.T) {
	t.Parallel()
	a := readAction(t)
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	for _, in := range []string{"args", "sarif-file", "fail-on"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("action.yml has no %q input", in)
		}
	}
	var script string
	var env map[string]string
	for _, s := range a.Runs.Steps {
		if s.ID == "run" {
			script, env = s.Run, s.Env
		}
		// An expression in a script is spliced into its text before the
		// shell sees it: an input could inject commands.
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q interpolates an expression into its script; pass it through env", s.ID)
		}
	}
	if script == "" {
		t.Fatal("action.yml has no step with id run")
	}
	if v := a.Outputs["exit-code"].Value; v != "${{ steps.run.outputs.exit-code }}" {
		t.Errorf("outputs.exit-code = %q", v)
	}

	bin := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(bin, "gatewatch")); err != nil {
		t.Fatal(err)
	}
	inputRef := regexp.MustCompile(`^\$\{\{ inputs\.([a-z-]+) \}\}$`)
	runStep := func(t *testing.T, inputs map[string]string) (code int, stdout string, outputs string, dir string) {
		t.Helper()
		dir = t.TempDir()
		outFile := filepath.Join(dir, "github-output")
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "GITHUB_OUTPUT="+outFile)
		for k, v := range env {
			m := inputRef.FindStringSubmatch(v)
			if m == nil {
				t.Fatalf("step env %s = %q, want ${{ inputs.NAME }}", k, v)
			}
			val, ok := inputs[m[1]]
			if !ok {
				val = a.Inputs[m[1]].Default
			}
			cmd.Env = append(cmd.Env, k+"="+val)
		}
		var out strings.Builder
		cmd.Stdout = &out
		cmd.Stderr = &out
		err := cmd.Run()
		code = cmd.ProcessState.ExitCode()
		if err != nil && code < 0 {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(outFile)
		return code, out.String(), string(b), dir
	}

	t.Run("defaults", func(t *testing.T) {
		code, stdout, outputs, dir := runStep(t, map[string]string{"args": "scan --demo"})
		// fail-on defaults to high, and the demo account has high findings.
		if code != exitFindings || !strings.Contains(outputs, "exit-code=1\n") {
			t.Errorf("exit %d, outputs %q; want 1 for findings at or above high:\n%s", code, outputs, stdout)
		}
		if !strings.Contains(stdout, "GW104") {
			t.Errorf("no table on the log:\n%s", stdout)
		}
		var log struct {
			Version string `json:"version"`
			Runs    []struct {
				Results []json.RawMessage `json:"results"`
			} `json:"runs"`
		}
		data, err := os.ReadFile(filepath.Join(dir, a.Inputs["sarif-file"].Default))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
			t.Errorf("SARIF file: version %q, %d runs, err %v; want 2.1.0 with results", log.Version, len(log.Runs), err)
		}
	})
	t.Run("own formats, no SARIF, fail on none", func(t *testing.T) {
		code, stdout, outputs, dir := runStep(t, map[string]string{
			"args": "scan --demo\n-f json -o report.json", "sarif-file": "", "fail-on": "none"})
		if code != exitOK || !strings.Contains(outputs, "exit-code=0\n") {
			t.Errorf("exit %d, outputs %q; want 0:\n%s", code, outputs, stdout)
		}
		if strings.Contains(stdout, "GW104") {
			t.Errorf("a table was printed although args name their own format:\n%s", stdout)
		}
		var report map[string]any
		if data, err := os.ReadFile(filepath.Join(dir, "report.json")); err != nil || json.Unmarshal(data, &report) != nil || report["report_version"] == nil {
			t.Errorf("report.json is not a JSON report: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, a.Inputs["sarif-file"].Default)); !os.IsNotExist(err) {
			t.Errorf("a SARIF file was written with sarif-file empty (stat: %v)", err)
		}
	})
	t.Run("no command", func(t *testing.T) {
		if code, stdout, _, _ := runStep(t, map[string]string{"args": " "}); code != exitUsage || !strings.Contains(stdout, "args input is empty") {
			t.Errorf("exit %d, want 2 with a message:\n%s", code, stdout)
		}
	})
	t.Run("no shell injection through args", func(t *testing.T) {
		code, stdout, _, dir := runStep(t, map[string]string{"args": "scan --demo $(touch pwned) ;touch pwned2", "fail-on": "none"})
		for _, f := range []string{"pwned", "pwned2"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				t.Errorf("args ran a shell command (%s exists)", f)
			}
		}
		if code != exitUsage {
			t.Errorf("exit %d, want 2 for the stray arguments:\n%s", code, stdout)
		}
	})
}
