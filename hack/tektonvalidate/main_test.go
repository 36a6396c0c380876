package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const task = `
apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: echo
spec:
  params:
    - name: msg
  steps:
    - name: main
      image: alpine:3.20
      command: [echo, $(params.msg)]
`

func runOn(t *testing.T, content string, args ...string) (int, string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(append(args, path), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestValidTask(t *testing.T) {
	code, out, errOut := runOn(t, task)
	if code != 0 || !strings.HasPrefix(out, "OK ") || !strings.Contains(out, "#0 Task echo") {
		t.Fatalf("code %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestUnknownFieldHasPath(t *testing.T) {
	code, out, _ := runOn(t, strings.Replace(task, "image: alpine:3.20", "image: alpine:3.20\n      resources: {}", 1))
	if code != 1 || !strings.Contains(out, `unknown field "spec.steps[0].resources"`) {
		t.Fatalf("code %d, stdout %q", code, out)
	}
}

func TestFieldNamesAreCaseSensitive(t *testing.T) {
	code, out, _ := runOn(t, strings.Replace(task, "image:", "Image:", 1))
	if code != 1 || !strings.Contains(out, `unknown field "spec.steps[0].Image"`) {
		t.Fatalf("code %d, stdout %q", code, out)
	}
}

func TestJSONAndDocumentIndex(t *testing.T) {
	doc := "# leading comment\n---\n" + task + "---\n" + strings.Replace(task, "name: echo", "name: Bad_Name", 1)
	code, out, _ := runOn(t, doc, "-json")
	if code != 1 {
		t.Fatalf("code %d, stdout %q", code, out)
	}
	var results []Result
	if err := json.Unmarshal([]byte(out), &results); err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || !results[0].OK || results[1].OK || results[1].Index != 1 || results[1].Name != "Bad_Name" {
		t.Fatalf("results %+v", results)
	}
	if !strings.Contains(strings.Join(results[1].Errors, "\n"), "metadata.name") {
		t.Fatalf("errors %q", results[1].Errors)
	}
}

func TestGenerateNameStandsInForName(t *testing.T) {
	code, out, _ := runOn(t, strings.Replace(task, "name: echo", "generateName: echo-", 1))
	if code != 0 || !strings.Contains(out, "Task echo-") {
		t.Fatalf("code %d, stdout %q", code, out)
	}
}

func TestUnsupported(t *testing.T) {
	code, out, _ := runOn(t, strings.Replace(task, "kind: Task", "kind: TaskRun", 1))
	if code != 1 || !strings.Contains(out, `kind "TaskRun" is not supported`) {
		t.Fatalf("code %d, stdout %q", code, out)
	}
	code, out, _ = runOn(t, strings.Replace(task, "tekton.dev/v1", "tekton.dev/v1beta1", 1))
	if code != 1 || !strings.Contains(out, `apiVersion "tekton.dev/v1beta1" is not supported`) {
		t.Fatalf("code %d, stdout %q", code, out)
	}
}

func TestUsageAndReadErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(nil, strings.NewReader(""), &stdout, &stderr); code != 2 {
		t.Fatalf("no args: code %d", code)
	}
	if code := run([]string{"/nonexistent/x.yaml"}, strings.NewReader(""), &stdout, &stderr); code != 2 {
		t.Fatalf("missing file: code %d", code)
	}
	if code := run([]string{"-api-fields", "gamma", "-"}, strings.NewReader(task), &stdout, &stderr); code != 2 {
		t.Fatalf("bad -api-fields: code %d", code)
	}
	stdout.Reset()
	if code := run([]string{"-json", "-"}, strings.NewReader("# nothing\n---\n"), &stdout, &stderr); code != 1 || strings.TrimSpace(stdout.String()) != "[]" {
		t.Fatalf("no documents: code %d, stdout %q", code, stdout.String())
	}
	stdout.Reset()
	if code := run([]string{"-"}, strings.NewReader(task), &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "OK -#0 Task echo") {
		t.Fatalf("stdin: code %d, stdout %q", code, stdout.String())
	}
}
