package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// isolate is the `isolate PORT SOCKET -- PROGRAM ARGS…` sub-command: it runs
// PROGRAM in a network namespace of its own, where whatever PROGRAM listens on
// is out of reach of this machine, and where 127.0.0.1:PORT still reaches
// this machine's 127.0.0.1:PORT (through the unix SOCKET, which both
// namespaces see on the file system). Tekton's controller listens on all
// interfaces for probes and profiling; this keeps those off the network.
func isolate(args []string) int {
	if len(args) < 4 || args[2] != "--" {
		fmt.Fprintln(os.Stderr, "usage: tekflow-node isolate PORT SOCKET -- PROGRAM ARGS…")
		return 2
	}
	port, sock := args[0], args[1]
	if _, err := strconv.Atoi(port); err != nil {
		fmt.Fprintln(os.Stderr, "tekflow-node isolate: bad port", port)
		return 2
	}
	_ = os.Remove(sock)
	l, err := net.Listen("unix", sock)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tekflow-node isolate:", err)
		return 1
	}
	defer os.Remove(sock)
	go relay(l, func() (net.Conn, error) { return net.Dial("tcp", "127.0.0.1:"+port) })

	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tekflow-node isolate:", err)
		return 1
	}
	cmd := exec.Command(self, append([]string{"isolated", port, sock, "--"}, args[3:]...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	return runForwardingSignals(cmd)
}

// isolated runs inside the new network namespace.
func isolated(args []string) int {
	port, sock, prog := args[0], args[1], args[3:]
	if err := loopbackUp(); err != nil {
		fmt.Fprintln(os.Stderr, "tekflow-node isolated: loopback:", err)
		return 1
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tekflow-node isolated:", err)
		return 1
	}
	go relay(l, func() (net.Conn, error) { return net.Dial("unix", sock) })
	cmd := exec.Command(prog[0], prog[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return runForwardingSignals(cmd)
}

func runForwardingSignals(cmd *exec.Cmd) int {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "tekflow-node:", err)
		return 1
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return 1
	}
	return 0
}

func relay(l net.Listener, dial func() (net.Conn, error)) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer in.Close()
			out, err := dial()
			if err != nil {
				return
			}
			defer out.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(out, in); closeWrite(out); done <- struct{}{} }()
			go func() { _, _ = io.Copy(in, out); closeWrite(in); done <- struct{}{} }()
			<-done
			<-done
		}()
	}
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}

func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
