package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/virtual-kubelet/virtual-kubelet/errdefs"
	"github.com/virtual-kubelet/virtual-kubelet/log"
	"github.com/virtual-kubelet/virtual-kubelet/node/api"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	corev1listers "k8s.io/client-go/listers/core/v1"
	statsv1alpha1 "k8s.io/kubelet/pkg/apis/stats/v1alpha1"
)

// maxTerminationMessage is the kubelet's limit for one container's message.
const maxTerminationMessage = 4096

// Provider runs pods as groups of local processes.
type Provider struct {
	nodeName   string
	hostIP     string
	stateDir   string
	self       string
	binds      map[string]string // container path -> host dir, in every container
	images     map[string]string // image -> program for containers without a command
	client     kubernetes.Interface
	configMaps corev1listers.ConfigMapLister
	secrets    corev1listers.SecretLister
	apiHost    string
	apiPort    string

	mu     sync.Mutex
	pods   map[string]*podRun
	notify func(*corev1.Pod)
}

// podRun is one pod on this node.
type podRun struct {
	reportMu sync.Mutex
	mu       sync.Mutex
	pod      *corev1.Pod // latest spec from the API and the status we report
	dir      string
	volumes  map[string]string // volume name -> host directory
	procs    map[string]*proc  // container name -> its process, once started
	deleting bool
	done     chan struct{}
}

type proc struct {
	cmd      *exec.Cmd
	logPath  string
	finished chan struct{}
	stopped  bool // killed by the node (deletion or image swap)
}

// signalGroup signals the container's process group unless the container has
// ended. An ended container's pid (its group's id) may already belong to
// another pod's container: pid_max is often 32768 and a busy node wraps it.
func (pc *proc) signalGroup(sig syscall.Signal) {
	select {
	case <-pc.finished:
		return
	default:
		_ = syscall.Kill(-pc.cmd.Process.Pid, sig)
	}
}

func key(ns, name string) string { return ns + "/" + name }

func newMux() *http.ServeMux { return http.NewServeMux() }

// NotifyPods registers the callback that reports status changes.
func (p *Provider) NotifyPods(_ context.Context, f func(*corev1.Pod)) {
	p.mu.Lock()
	p.notify = f
	p.mu.Unlock()
}

// report sends the pod's current status. Reports of one pod are serialised
// so that an older snapshot never arrives after a newer one.
func (p *Provider) report(pr *podRun) {
	pr.reportMu.Lock()
	defer pr.reportMu.Unlock()
	pr.mu.Lock()
	pod := pr.pod.DeepCopy()
	pr.mu.Unlock()
	p.mu.Lock()
	f := p.notify
	p.mu.Unlock()
	f(pod)
}

func (p *Provider) get(ns, name string) *podRun {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pods[key(ns, name)]
}

// CreatePod starts a pod: volumes first, then init containers one by one,
// then all containers at once.
func (p *Provider) CreatePod(ctx context.Context, pod *corev1.Pod) error {
	k := key(pod.Namespace, pod.Name)
	p.mu.Lock()
	if _, ok := p.pods[k]; ok {
		p.mu.Unlock()
		return nil
	}
	pr := &podRun{
		pod:     pod.DeepCopy(),
		dir:     filepath.Join(p.stateDir, "pods", fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID)),
		volumes: map[string]string{},
		procs:   map[string]*proc{},
		done:    make(chan struct{}),
	}
	p.pods[k] = pr
	p.mu.Unlock()

	now := metav1.Now()
	st := &pr.pod.Status
	st.Phase = corev1.PodPending
	st.HostIP = p.hostIP
	st.HostIPs = []corev1.HostIP{{IP: p.hostIP}}
	st.PodIP = p.hostIP
	st.PodIPs = []corev1.PodIP{{IP: p.hostIP}}
	st.StartTime = &now
	if st.QOSClass == "" {
		// The API server sets it from the pod's requests when the pod is created and refuses any
		// change, so the node keeps it; requests and limits are not enforced here.
		st.QOSClass = corev1.PodQOSBestEffort
	}
	setCondition(st, corev1.PodScheduled, true, "")
	setCondition(st, corev1.PodInitialized, len(pod.Spec.InitContainers) == 0, "")
	setCondition(st, corev1.ContainersReady, false, "ContainersNotReady")
	setCondition(st, corev1.PodReady, false, "ContainersNotReady")
	st.InitContainerStatuses = nil
	for _, c := range pod.Spec.InitContainers {
		st.InitContainerStatuses = append(st.InitContainerStatuses, waiting(c, "PodInitializing"))
	}
	st.ContainerStatuses = nil
	reason := "ContainerCreating"
	if len(pod.Spec.InitContainers) > 0 {
		reason = "PodInitializing"
	}
	for _, c := range pod.Spec.Containers {
		st.ContainerStatuses = append(st.ContainerStatuses, waiting(c, reason))
	}
	go p.report(pr)
	go p.run(log.G(ctx), pr)
	return nil
}

func waiting(c corev1.Container, reason string) corev1.ContainerStatus {
	return corev1.ContainerStatus{
		Name:  c.Name,
		Image: c.Image,
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}},
	}
}

func setCondition(st *corev1.PodStatus, t corev1.PodConditionType, ok bool, reason string) {
	status := corev1.ConditionFalse
	if ok {
		status = corev1.ConditionTrue
		reason = ""
	}
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			if st.Conditions[i].Status != status {
				st.Conditions[i].Status = status
				st.Conditions[i].Reason = reason
				st.Conditions[i].LastTransitionTime = metav1.Now()
			}
			return
		}
	}
	st.Conditions = append(st.Conditions, corev1.PodCondition{
		Type: t, Status: status, Reason: reason, LastTransitionTime: metav1.Now(),
	})
}

func (p *Provider) fail(pr *podRun, reason, msg string) {
	pr.mu.Lock()
	pr.pod.Status.Phase = corev1.PodFailed
	pr.pod.Status.Reason = reason
	pr.pod.Status.Message = msg
	pr.mu.Unlock()
	p.report(pr)
}

func (p *Provider) run(logger log.Logger, pr *podRun) {
	defer close(pr.done)
	pod := pr.snapshot()
	if err := p.prepareVolumes(pr, pod); err != nil {
		logger.WithError(err).Warnf("pod %s/%s: volumes", pod.Namespace, pod.Name)
		p.fail(pr, "VolumeError", err.Error())
		return
	}
	for i, c := range pod.Spec.InitContainers {
		if pr.isDeleting() {
			return
		}
		code := p.runContainer(logger, pr, c, i, true)
		if code != 0 {
			p.fail(pr, "", fmt.Sprintf("init container %s exited with %d", c.Name, code))
			return
		}
	}
	pr.mu.Lock()
	setCondition(&pr.pod.Status, corev1.PodInitialized, true, "")
	for i := range pr.pod.Status.ContainerStatuses {
		if w := pr.pod.Status.ContainerStatuses[i].State.Waiting; w != nil {
			w.Reason = "ContainerCreating"
		}
	}
	pr.mu.Unlock()
	if pr.isDeleting() {
		return
	}
	var wg sync.WaitGroup
	codes := make([]int, len(pod.Spec.Containers))
	for i, c := range pod.Spec.Containers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = p.runContainer(logger, pr, c, i, false)
		}()
	}
	wg.Wait()
	releaseEmptyDirs(logger, pr, pod)
	pr.mu.Lock()
	phase := corev1.PodSucceeded
	for _, c := range codes {
		if c != 0 {
			phase = corev1.PodFailed
		}
	}
	pr.pod.Status.Phase = phase
	setCondition(&pr.pod.Status, corev1.ContainersReady, false, "PodCompleted")
	setCondition(&pr.pod.Status, corev1.PodReady, false, "PodCompleted")
	pr.mu.Unlock()
	p.report(pr)
}

func (pr *podRun) snapshot() *corev1.Pod {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.pod.DeepCopy()
}

func (pr *podRun) isDeleting() bool {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.deleting
}

// containerSpec is what the `container` sub-command reads.
type containerSpec struct {
	Argv     []string `json:"argv"`
	Env      []string `json:"env"`
	Dir      string   `json:"dir"`
	Hostname string   `json:"hostname"`
	Mounts   []mount  `json:"mounts"`
}

type mount struct {
	Source   string `json:"source"`
	Target   string `json:"target"`
	ReadOnly bool   `json:"readOnly,omitempty"`
	File     bool   `json:"file,omitempty"`
}

func (pr *podRun) status(name string, init bool) *corev1.ContainerStatus {
	list := pr.pod.Status.ContainerStatuses
	if init {
		list = pr.pod.Status.InitContainerStatuses
	}
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	return nil
}

// runContainer runs one container to its end and returns its exit code.
func (p *Provider) runContainer(logger log.Logger, pr *podRun, c corev1.Container, idx int, init bool) int {
	pod := pr.snapshot()
	cdir := filepath.Join(pr.dir, "containers", c.Name)
	logPath := filepath.Join(cdir, "log")
	termPath := filepath.Join(cdir, "termination-log")
	startErr := func(err error) int {
		logger.WithError(err).Warnf("pod %s/%s container %s", pod.Namespace, pod.Name, c.Name)
		now := metav1.Now()
		pr.mu.Lock()
		if s := pr.status(c.Name, init); s != nil {
			s.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
				ExitCode: 128, Reason: "StartError", Message: err.Error(), StartedAt: now, FinishedAt: now,
			}}
		}
		pr.mu.Unlock()
		p.report(pr)
		return 128
	}
	if err := os.MkdirAll(cdir, 0o755); err != nil {
		return startErr(err)
	}
	if err := os.WriteFile(termPath, nil, 0o666); err != nil {
		return startErr(err)
	}

	env := p.baseEnv(pod)
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	p.routeAPIService(env)
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
	var argv []string
	if len(c.Command) == 0 {
		prog, ok := p.images[c.Image]
		if !ok {
			return startErr(fmt.Errorf("container %s names no command and image %q has no local program (steps need a command on this node)", c.Name, c.Image))
		}
		argv = []string{prog}
	}
	for _, a := range append(append([]string{}, c.Command...), c.Args...) {
		argv = append(argv, expand(a, lookup))
	}

	// No image brings a working directory: "/" unless the container names one.
	spec := containerSpec{Argv: argv, Dir: c.WorkingDir, Hostname: strings.TrimRight(truncate(pod.Name, 63), "-.")}
	if spec.Dir == "" {
		spec.Dir = "/"
	}
	for k, v := range env {
		spec.Env = append(spec.Env, k+"="+v)
	}
	for target, src := range p.binds {
		spec.Mounts = append(spec.Mounts, mount{Source: src, Target: target, ReadOnly: true})
	}
	for _, vm := range c.VolumeMounts {
		pr.mu.Lock()
		src, ok := pr.volumes[vm.Name]
		pr.mu.Unlock()
		if !ok {
			return startErr(fmt.Errorf("volume %q of mount %s is not prepared", vm.Name, vm.MountPath))
		}
		m := mount{Source: src, Target: vm.MountPath, ReadOnly: vm.ReadOnly}
		if vm.SubPath != "" {
			m.Source = filepath.Join(src, vm.SubPath)
			fi, err := os.Stat(m.Source)
			if os.IsNotExist(err) {
				err = os.MkdirAll(m.Source, 0o777)
			} else if err == nil && !fi.IsDir() {
				m.File = true
			}
			if err != nil {
				return startErr(err)
			}
		}
		spec.Mounts = append(spec.Mounts, m)
	}
	tmp := c.TerminationMessagePath
	if tmp == "" {
		tmp = corev1.TerminationMessagePathDefault
	}
	spec.Mounts = append(spec.Mounts, mount{Source: termPath, Target: tmp, File: true})

	specPath := filepath.Join(cdir, "spec.json")
	b, _ := json.Marshal(spec)
	if err := os.WriteFile(specPath, b, 0o600); err != nil {
		return startErr(err)
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return startErr(err)
	}
	cmd := exec.Command(p.self, "container", specPath)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWUTS, Setpgid: true}

	pr.mu.Lock()
	if pr.deleting {
		pr.mu.Unlock()
		logFile.Close()
		return 137
	}
	err = cmd.Start()
	logFile.Close()
	if err != nil {
		pr.mu.Unlock()
		return startErr(err)
	}
	pc := &proc{cmd: cmd, logPath: logPath, finished: make(chan struct{})}
	pr.procs[c.Name] = pc
	_ = os.WriteFile(filepath.Join(cdir, "pgid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
	started := metav1.Now()
	containerID := fmt.Sprintf("tekflow://%s/%s", pod.UID, c.Name)
	if s := pr.status(c.Name, init); s != nil {
		s.ContainerID = containerID
		s.ImageID = c.Image
		s.Started = ptrTo(true)
		s.Ready = !init
		s.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: started}}
	}
	if !init && pr.pod.Status.Phase == corev1.PodPending {
		pr.pod.Status.Phase = corev1.PodRunning
	}
	if !init {
		all := true
		for _, s := range pr.pod.Status.ContainerStatuses {
			all = all && s.State.Running != nil
		}
		setCondition(&pr.pod.Status, corev1.ContainersReady, all, "ContainersNotReady")
		setCondition(&pr.pod.Status, corev1.PodReady, all, "ContainersNotReady")
	}
	pr.mu.Unlock()
	p.report(pr)

	werr := cmd.Wait()
	close(pc.finished)
	code := 0
	if werr != nil {
		code = 1
		if ee, ok := werr.(*exec.ExitError); ok {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok {
				switch {
				case ws.Exited():
					code = ws.ExitStatus()
				case ws.Signaled():
					code = 128 + int(ws.Signal())
				}
			}
		}
	}
	// The process group may still hold children; a container ends with them.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)

	msg := readTermination(termPath, logPath, c.TerminationMessagePolicy, code)
	reason := "Completed"
	if code != 0 {
		reason = "Error"
	}
	pr.mu.Lock()
	if pc.stopped && code != 0 && !pr.deleting {
		// A container whose image was swapped (Tekton stopping a sidecar)
		// ends as the swapped-in no-op would.
		code, reason = 0, "Completed"
	}
	if s := pr.status(c.Name, init); s != nil {
		s.Ready = false
		s.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
			ExitCode: int32(code), Reason: reason, Message: msg,
			StartedAt: started, FinishedAt: metav1.Now(), ContainerID: containerID,
		}}
	}
	if !init {
		setCondition(&pr.pod.Status, corev1.ContainersReady, false, "ContainersNotReady")
		setCondition(&pr.pod.Status, corev1.PodReady, false, "ContainersNotReady")
	}
	pr.mu.Unlock()
	p.report(pr)
	return code
}

func ptrTo[T any](v T) *T { return &v }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func readTermination(termPath, logPath string, policy corev1.TerminationMessagePolicy, code int) string {
	b, _ := os.ReadFile(termPath)
	if len(b) > maxTerminationMessage {
		b = b[:maxTerminationMessage]
	}
	if len(b) == 0 && code != 0 && policy == corev1.TerminationMessageFallbackToLogsOnError {
		b = tailBytes(logPath, 80, 2048)
	}
	return string(b)
}

func tailBytes(path string, lines, limit int) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	b = tailLines(b, lines)
	if len(b) > limit {
		b = b[len(b)-limit:]
	}
	return b
}

func tailLines(b []byte, n int) []byte {
	if n <= 0 {
		return nil
	}
	end := len(b)
	if end > 0 && b[end-1] == '\n' {
		end--
	}
	count := 0
	for i := end - 1; i >= 0; i-- {
		if b[i] == '\n' {
			count++
			if count == n {
				return b[i+1:]
			}
		}
	}
	return b
}

// baseEnv is what every container starts with before its own env: the
// node's PATH and HOME (there is no image to bring them) and in-cluster API
// coordinates.
func (p *Provider) baseEnv(pod *corev1.Pod) map[string]string {
	env := map[string]string{
		"PATH":     os.Getenv("PATH"),
		"HOME":     "/root",
		"HOSTNAME": pod.Name,
	}
	if env["PATH"] == "" {
		env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	if h := os.Getenv("HOME"); h != "" {
		env["HOME"] = h
	}
	// The cluster's marker: `cluster.py down` finds what pods left by it.
	if m := os.Getenv("TEKFLOW_TEST_CLUSTER"); m != "" {
		env["TEKFLOW_TEST_CLUSTER"] = m
	}
	if p.apiHost != "" {
		env["KUBERNETES_SERVICE_HOST"] = p.apiHost
		env["KUBERNETES_SERVICE_PORT"] = p.apiPort
		env["KUBERNETES_SERVICE_PORT_HTTPS"] = p.apiPort
	}
	return env
}

// routeAPIService points the `kubernetes` Service's variables, which the
// pod is given with its Service links (KUBERNETES_SERVICE_HOST=10.96.0.1,
// KUBERNETES_PORT=tcp://10.96.0.1:443…), at the API server itself: this node
// has no kube-proxy to route the Service's address there, and in-cluster
// clients (a CronJob running `tekflow submit`) read these variables.
func (p *Provider) routeAPIService(env map[string]string) {
	if p.apiHost == "" {
		return
	}
	env["KUBERNETES_SERVICE_HOST"] = p.apiHost
	env["KUBERNETES_SERVICE_PORT"] = p.apiPort
	env["KUBERNETES_SERVICE_PORT_HTTPS"] = p.apiPort
	address := net.JoinHostPort(p.apiHost, p.apiPort)
	for name := range env {
		if strings.HasPrefix(name, "KUBERNETES_PORT") {
			delete(env, name)
		}
	}
	env["KUBERNETES_PORT"] = "tcp://" + address
	prefix := "KUBERNETES_PORT_" + p.apiPort + "_TCP"
	env[prefix] = "tcp://" + address
	env[prefix+"_PROTO"] = "tcp"
	env[prefix+"_PORT"] = p.apiPort
	env[prefix+"_ADDR"] = p.apiHost
}

// expand resolves $(VAR) references the way the kubelet does for a
// container's command and args: a defined variable is replaced, an
// undefined one is left as written, and $$ stands for a literal $.
func expand(s string, lookup func(string) (string, bool)) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch next := s[i+1]; next {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString("$(")
				i++
				continue
			}
			name := s[i+2 : i+2+end]
			if v, ok := lookup(name); ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i += 2 + end
		default:
			b.WriteByte('$')
			b.WriteByte(next)
			i++
		}
	}
	return b.String()
}

// UpdatePod takes new annotations, labels and images: downward-API files are
// rewritten (Tekton's ready annotation) and a running container whose image
// changed is stopped (Tekton stops sidecars by swapping in its no-op image).
func (p *Provider) UpdatePod(_ context.Context, pod *corev1.Pod) error {
	pr := p.get(pod.Namespace, pod.Name)
	if pr == nil {
		return errdefs.NotFoundf("pod %s/%s not on this node", pod.Namespace, pod.Name)
	}
	pr.mu.Lock()
	old := pr.pod
	status := old.Status
	pr.pod = pod.DeepCopy()
	pr.pod.Status = status
	var stop []*proc
	for i, c := range pod.Spec.Containers {
		if i < len(old.Spec.Containers) && old.Spec.Containers[i].Image != c.Image {
			if pc := pr.procs[c.Name]; pc != nil {
				pc.stopped = true
				stop = append(stop, pc)
			}
		}
	}
	volumesReady := len(pr.volumes) > 0 || len(pod.Spec.Volumes) == 0
	pr.mu.Unlock()
	if volumesReady {
		if err := p.writeDownward(pr, pod); err != nil {
			return err
		}
	}
	for _, pc := range stop {
		pc.signalGroup(syscall.SIGKILL)
	}
	return nil
}

// DeletePod stops the pod's processes, reports them terminated and forgets
// the pod.
func (p *Provider) DeletePod(ctx context.Context, pod *corev1.Pod) error {
	pr := p.get(pod.Namespace, pod.Name)
	if pr == nil {
		return errdefs.NotFoundf("pod %s/%s not on this node", pod.Namespace, pod.Name)
	}
	grace := 10 * time.Second
	if pod.DeletionGracePeriodSeconds != nil && time.Duration(*pod.DeletionGracePeriodSeconds)*time.Second < grace {
		grace = time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
	}
	p.stopPod(pr, grace)

	now := metav1.Now()
	pr.mu.Lock()
	terminate := func(list []corev1.ContainerStatus) {
		for i := range list {
			if list[i].State.Terminated == nil {
				list[i].Ready = false
				list[i].State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
					ExitCode: 137, Reason: "ContainerStatusUnknown", Message: "the pod was deleted",
					StartedAt: now, FinishedAt: now,
				}}
			}
		}
	}
	terminate(pr.pod.Status.InitContainerStatuses)
	terminate(pr.pod.Status.ContainerStatuses)
	if pr.pod.Status.Phase != corev1.PodSucceeded {
		pr.pod.Status.Phase = corev1.PodFailed
	}
	pr.pod.DeletionTimestamp = pod.DeletionTimestamp
	pr.pod.DeletionGracePeriodSeconds = pod.DeletionGracePeriodSeconds
	pr.mu.Unlock()

	p.mu.Lock()
	delete(p.pods, key(pod.Namespace, pod.Name))
	p.mu.Unlock()
	p.report(pr)
	go func() {
		select {
		case <-pr.done:
		case <-time.After(time.Minute):
		}
		if err := os.RemoveAll(pr.dir); err != nil {
			log.G(ctx).WithError(err).Warnf("removing %s", pr.dir)
		}
	}()
	return nil
}

// stopPod sends SIGTERM to every process group of the pod, then SIGKILL
// after grace.
func (p *Provider) stopPod(pr *podRun, grace time.Duration) {
	pr.mu.Lock()
	pr.deleting = true
	var procs []*proc
	for _, pc := range pr.procs {
		procs = append(procs, pc)
	}
	pr.mu.Unlock()
	for _, pc := range procs {
		pc.signalGroup(syscall.SIGTERM)
	}
	deadline := time.After(grace)
	for _, pc := range procs {
		select {
		case <-pc.finished:
		case <-deadline:
		}
	}
	for _, pc := range procs {
		pc.signalGroup(syscall.SIGKILL)
	}
	for _, pc := range procs {
		select {
		case <-pc.finished:
		case <-time.After(5 * time.Second):
		}
	}
}

// stopAll kills every pod's processes (the node is stopping).
func (p *Provider) stopAll() {
	if p == nil {
		return
	}
	p.mu.Lock()
	var all []*podRun
	for _, pr := range p.pods {
		all = append(all, pr)
	}
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, pr := range all {
		wg.Add(1)
		go func() { defer wg.Done(); p.stopPod(pr, 2*time.Second) }()
	}
	wg.Wait()
}

// GetPod returns the pod as last given, with the status we report.
func (p *Provider) GetPod(_ context.Context, ns, name string) (*corev1.Pod, error) {
	pr := p.get(ns, name)
	if pr == nil {
		return nil, errdefs.NotFoundf("pod %s/%s not on this node", ns, name)
	}
	return pr.snapshot(), nil
}

// GetPodStatus returns the status we report for a pod.
func (p *Provider) GetPodStatus(ctx context.Context, ns, name string) (*corev1.PodStatus, error) {
	pod, err := p.GetPod(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	return &pod.Status, nil
}

// GetPods returns every pod on this node.
func (p *Provider) GetPods(context.Context) ([]*corev1.Pod, error) {
	p.mu.Lock()
	var all []*podRun
	for _, pr := range p.pods {
		all = append(all, pr)
	}
	p.mu.Unlock()
	out := make([]*corev1.Pod, 0, len(all))
	for _, pr := range all {
		out = append(out, pr.snapshot())
	}
	return out, nil
}

// GetContainerLogs serves a container's output (stdout and stderr, as
// written); tailLines, limitBytes and follow are honoured.
func (p *Provider) GetContainerLogs(ctx context.Context, ns, podName, container string, opts api.ContainerLogOpts) (io.ReadCloser, error) {
	pr := p.get(ns, podName)
	if pr == nil {
		return nil, errdefs.NotFoundf("pod %s/%s not on this node", ns, podName)
	}
	if opts.Previous {
		return nil, errdefs.NotFoundf("container %s has no previous instance", container)
	}
	pr.mu.Lock()
	pc := pr.procs[container]
	pr.mu.Unlock()
	logPath := filepath.Join(pr.dir, "containers", container, "log")
	var finished chan struct{}
	if pc != nil {
		finished = pc.finished
	}
	if opts.Follow && finished == nil {
		// Not started yet: wait for it (or for the client to give up).
		for finished == nil {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-pr.done:
				finished = closedChan()
			case <-time.After(200 * time.Millisecond):
				pr.mu.Lock()
				if pc := pr.procs[container]; pc != nil {
					finished = pc.finished
				}
				pr.mu.Unlock()
			}
		}
	}
	f, err := os.Open(logPath)
	if os.IsNotExist(err) {
		return io.NopCloser(strings.NewReader("")), nil
	}
	if err != nil {
		return nil, err
	}
	if opts.Tail > 0 {
		b, err := io.ReadAll(f)
		if err != nil {
			f.Close()
			return nil, err
		}
		start := len(b) - len(tailLines(b, opts.Tail))
		if _, err := f.Seek(int64(start), io.SeekStart); err != nil {
			f.Close()
			return nil, err
		}
	}
	var r io.Reader = f
	if opts.Follow {
		r = &follower{ctx: ctx, f: f, finished: finished}
	}
	if opts.LimitBytes > 0 {
		r = io.LimitReader(r, int64(opts.LimitBytes))
	}
	return struct {
		io.Reader
		io.Closer
	}{r, f}, nil
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// follower reads a growing file until its container has finished.
type follower struct {
	ctx      context.Context
	f        *os.File
	finished chan struct{}
	last     bool
}

func (fl *follower) Read(b []byte) (int, error) {
	for {
		n, err := fl.f.Read(b)
		if n > 0 || (err != nil && err != io.EOF) {
			return n, err
		}
		if fl.last {
			return 0, io.EOF
		}
		select {
		case <-fl.ctx.Done():
			return 0, io.EOF
		case <-fl.finished:
			fl.last = true // one more read for what was written last
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// RunInContainer is not offered: containers are plain processes.
func (p *Provider) RunInContainer(context.Context, string, string, string, []string, api.AttachIO) error {
	return errdefs.InvalidInput("exec is not supported on the tekflow process node")
}

// AttachToContainer is not offered.
func (p *Provider) AttachToContainer(context.Context, string, string, string, api.AttachIO) error {
	return errdefs.InvalidInput("attach is not supported on the tekflow process node")
}

// PortForward is not offered.
func (p *Provider) PortForward(context.Context, string, string, int32, io.ReadWriteCloser) error {
	return errdefs.InvalidInput("port-forward is not supported on the tekflow process node")
}

// GetStatsSummary reports an empty summary.
func (p *Provider) GetStatsSummary(context.Context) (*statsv1alpha1.Summary, error) {
	return &statsv1alpha1.Summary{Node: statsv1alpha1.NodeStats{NodeName: p.nodeName}}, nil
}

// GetMetricsResource reports no metrics.
func (p *Provider) GetMetricsResource(context.Context) ([]*dto.MetricFamily, error) {
	return nil, nil
}

// releaseEmptyDirs frees a finished pod's emptyDir volumes. A kubelet keeps them until the pod is
// deleted, but Tekton keeps finished pods for their logs, and every Tekton pod's emptyDir holds a
// copy of the entrypoint binary (~45 MB): a test run of hundreds of pods would fill the disk. Logs
// and termination messages live outside the volumes and stay.
func releaseEmptyDirs(logger log.Logger, pr *podRun, pod *corev1.Pod) {
	for _, v := range pod.Spec.Volumes {
		if v.EmptyDir == nil {
			continue
		}
		if err := os.RemoveAll(filepath.Join(pr.dir, "volumes", v.Name)); err != nil {
			logger.WithError(err).Warnf("pod %s/%s: releasing volume %s", pod.Namespace, pod.Name, v.Name)
		}
	}
}
