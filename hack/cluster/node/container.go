package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// runContainer is the `container SPEC` sub-command. The node starts it in a
// new mount namespace; it makes the namespace private, binds each mount's
// source over its target and execs the container's command. It returns only
// on failure (exit code 128, as a runtime's start error).
func runContainer(specPath string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "tekflow-node: container start:", err)
		return 128
	}
	b, err := os.ReadFile(specPath)
	if err != nil {
		return fail(err)
	}
	var spec containerSpec
	if err := json.Unmarshal(b, &spec); err != nil {
		return fail(err)
	}
	if len(spec.Argv) == 0 {
		return fail(fmt.Errorf("no command"))
	}
	if spec.Hostname != "" {
		// The node starts this process in a UTS namespace of its own.
		if err := syscall.Sethostname([]byte(spec.Hostname)); err != nil {
			return fail(fmt.Errorf("hostname: %w", err))
		}
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fail(fmt.Errorf("private mount namespace: %w", err))
	}
	// Parents before children: /workspace before /workspace/data.
	sort.SliceStable(spec.Mounts, func(i, j int) bool {
		return depth(spec.Mounts[i].Target) < depth(spec.Mounts[j].Target)
	})
	var made []string
	for _, m := range spec.Mounts {
		target := filepath.Clean(m.Target)
		if err := ensureTarget(target, m.File, &made); err != nil {
			return fail(fmt.Errorf("mount point %s: %w", target, err))
		}
		if err := syscall.Mount(m.Source, target, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
			return fail(fmt.Errorf("bind %s at %s: %w", m.Source, target, err))
		}
		if m.ReadOnly {
			if err := syscall.Mount("", target, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY|syscall.MS_REC, ""); err != nil {
				return fail(fmt.Errorf("read-only %s: %w", target, err))
			}
		}
		made = append(made, target)
	}
	if spec.Dir != "" {
		dir := filepath.Clean(spec.Dir)
		if err := ensureTarget(dir, false, &made); err != nil {
			return fail(fmt.Errorf("working directory %s: %w", dir, err))
		}
		if err := os.Chdir(dir); err != nil {
			return fail(err)
		}
	}
	path := ""
	for _, e := range spec.Env {
		if v, ok := strings.CutPrefix(e, "PATH="); ok {
			path = v
		}
	}
	prog := spec.Argv[0]
	if !strings.Contains(prog, "/") {
		os.Setenv("PATH", path)
		p, err := exec.LookPath(prog)
		if err != nil {
			return fail(err)
		}
		prog = p
	}
	if err := syscall.Exec(prog, spec.Argv, spec.Env); err != nil {
		return fail(fmt.Errorf("exec %s: %w", prog, err))
	}
	return 0
}

func depth(p string) int { return strings.Count(filepath.Clean(p), "/") }

// ensureTarget makes a mount point exist in this namespace while leaving the
// host's file system as it was, but for empty directories: where the path
// leaves what exists, the first missing directory is created (empty) on the
// host and a tmpfs is mounted over it here, or a tmpfs goes over an empty
// directory a previous container left; below that, or inside a volume already
// bound here, directories are made as needed.
func ensureTarget(target string, file bool, made *[]string) error {
	if _, err := os.Lstat(target); err == nil {
		return nil
	}
	ancestor := filepath.Dir(target)
	for {
		if _, err := os.Stat(ancestor); err == nil {
			break
		}
		ancestor = filepath.Dir(ancestor)
	}
	if !inside(ancestor, *made) {
		scratch := ""
		if ancestor != "/" && isEmptyDir(ancestor) && !systemDir(ancestor) {
			scratch = ancestor
		} else if first := firstBelow(ancestor, target); first != target {
			if err := os.Mkdir(first, 0o755); err != nil && !os.IsExist(err) {
				return err
			}
			scratch = first
		}
		if scratch != "" {
			if err := syscall.Mount("tmpfs", scratch, "tmpfs", 0, "mode=755"); err != nil {
				return fmt.Errorf("tmpfs at %s: %w", scratch, err)
			}
			*made = append(*made, scratch)
		}
	}
	if file {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		return f.Close()
	}
	return os.MkdirAll(target, 0o755)
}

func inside(p string, roots []string) bool {
	for _, r := range roots {
		if p == r || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}

// firstBelow is the child of ancestor on the way to target.
func firstBelow(ancestor, target string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(target, ancestor), "/")
	first, _, _ := strings.Cut(rest, "/")
	return filepath.Join(ancestor, first)
}

func isEmptyDir(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.IsDir() {
		return false
	}
	names, err := f.Readdirnames(1)
	return err != nil && len(names) == 0
}

// systemDir names directories a tmpfs must never hide even when empty.
func systemDir(p string) bool {
	switch p {
	case "/", "/tmp", "/var/tmp", "/dev", "/proc", "/sys", "/run", "/mnt", "/media", "/srv", "/opt", "/home", "/root":
		return true
	}
	return false
}
