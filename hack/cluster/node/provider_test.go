package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
)

func TestExpandFollowsTheKubelet(t *testing.T) {
	env := map[string]string{"A": "x", "EMPTY": ""}
	lookup := func(n string) (string, bool) { v, ok := env[n]; return v, ok }
	for in, want := range map[string]string{
		"plain":           "plain",
		"$(A)":            "x",
		"pre-$(A)-post":   "pre-x-post",
		"$(EMPTY)|":       "|",
		"$(UNDEFINED)":    "$(UNDEFINED)",
		"$$(A)":           "$(A)",
		"$$$(A)":          "$x",
		"$(A":             "$(A",
		"$":               "$",
		"a$":              "a$",
		"$x":              "$x",
		"$(A)$(A)":        "xx",
		"$(context.task)": "$(context.task)",
		"`$(A)` \"$(A)\"": "`x` \"x\"",
	} {
		if got := expand(in, lookup); got != want {
			t.Errorf("expand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTailLines(t *testing.T) {
	b := []byte("1\n2\n3\n")
	if got := string(tailLines(b, 2)); got != "2\n3\n" {
		t.Errorf("tail 2 = %q", got)
	}
	if got := string(tailLines(b, 5)); got != "1\n2\n3\n" {
		t.Errorf("tail 5 = %q", got)
	}
	if got := string(tailLines([]byte("a\nb"), 1)); got != "b" {
		t.Errorf("tail 1 without newline = %q", got)
	}
}

func TestTerminationMessage(t *testing.T) {
	dir := t.TempDir()
	term, logf := filepath.Join(dir, "term"), filepath.Join(dir, "log")
	os.WriteFile(logf, []byte("line1\nboom\n"), 0o644)
	os.WriteFile(term, nil, 0o644)
	if got := readTermination(term, logf, corev1.TerminationMessageReadFile, 1); got != "" {
		t.Errorf("File policy, empty file: %q", got)
	}
	if got := readTermination(term, logf, corev1.TerminationMessageFallbackToLogsOnError, 1); got != "line1\nboom\n" {
		t.Errorf("fallback to logs: %q", got)
	}
	if got := readTermination(term, logf, corev1.TerminationMessageFallbackToLogsOnError, 0); got != "" {
		t.Errorf("fallback only on error: %q", got)
	}
	big := make([]byte, 5000)
	for i := range big {
		big[i] = 'r'
	}
	os.WriteFile(term, big, 0o644)
	if got := readTermination(term, logf, corev1.TerminationMessageReadFile, 0); len(got) != maxTerminationMessage {
		t.Errorf("message not capped: %d bytes", len(got))
	}
}

func TestFieldValue(t *testing.T) {
	pod := &corev1.Pod{}
	pod.Name, pod.Namespace = "p", "ns"
	pod.Annotations = map[string]string{"tekton.dev/ready": "READY"}
	for path, want := range map[string]string{
		"metadata.annotations['tekton.dev/ready']": "READY",
		"metadata.annotations['absent']":           "",
		"metadata.name":                            "p",
		"metadata.namespace":                       "ns",
	} {
		got, err := fieldValue(pod, path)
		if err != nil || got != want {
			t.Errorf("fieldValue(%q) = %q, %v; want %q", path, got, err, want)
		}
	}
	if _, err := fieldValue(pod, "spec.unknown"); err == nil {
		t.Error("unknown field accepted")
	}
}

// An ended container's group is never signalled: its pid may be another pod's container by now.
func TestSignalGroupSparesEndedContainers(t *testing.T) {
	other := exec.Command("sleep", "30") // stands for a container that got the ended one's pid
	other.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- other.Wait() }()

	ended := &proc{cmd: &exec.Cmd{Process: other.Process}, finished: make(chan struct{})}
	close(ended.finished)
	ended.signalGroup(syscall.SIGKILL)
	select {
	case err := <-exited:
		t.Fatalf("an ended container's signal reached another process group: %v", err)
	case <-time.After(300 * time.Millisecond):
	}

	running := &proc{cmd: &exec.Cmd{Process: other.Process}, finished: make(chan struct{})}
	running.signalGroup(syscall.SIGKILL)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Fatal("a running container's group was not signalled")
	}
}

func TestThePodsAPIServiceVariablesNameTheAPIServer(t *testing.T) {
	p := &Provider{apiHost: "127.0.0.1", apiPort: "6443"}
	// what a pod's Service links give it for the `kubernetes` Service
	env := map[string]string{"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443",
		"KUBERNETES_PORT": "tcp://10.96.0.1:443", "KUBERNETES_PORT_443_TCP_ADDR": "10.96.0.1", "OTHER": "kept"}
	p.routeAPIService(env)
	want := map[string]string{"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": "6443",
		"KUBERNETES_SERVICE_PORT_HTTPS": "6443", "KUBERNETES_PORT": "tcp://127.0.0.1:6443",
		"KUBERNETES_PORT_6443_TCP": "tcp://127.0.0.1:6443", "KUBERNETES_PORT_6443_TCP_PROTO": "tcp",
		"KUBERNETES_PORT_6443_TCP_PORT": "6443", "KUBERNETES_PORT_6443_TCP_ADDR": "127.0.0.1", "OTHER": "kept"}
	if len(env) != len(want) {
		t.Fatalf("got %v, want %v", env, want)
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
}
