// Command tekflow-node is the one node of tekflow's test cluster: a
// virtual-kubelet whose provider runs each pod's containers as processes on
// this machine (see docs/cluster.md).
//
//	tekflow-node --kubeconfig K --listen 127.0.0.1:P --tls-cert C --tls-key K \
//	    --client-ca CA --state-dir D --bind /ko-app=DIR --image-command IMAGE=PATH
//
// The hidden sub-command `tekflow-node container SPEC` is what each
// container's process starts as: it runs in a private mount namespace, binds
// the pod's volumes over the container's mount paths and execs the command.
// `tekflow-node isolate PORT SOCKET -- PROGRAM…` runs a program in a network
// namespace of its own that reaches only this machine's 127.0.0.1:PORT.
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/virtual-kubelet/virtual-kubelet/log"
	logruslogger "github.com/virtual-kubelet/virtual-kubelet/log/logrus"
	"github.com/virtual-kubelet/virtual-kubelet/node"
	"github.com/virtual-kubelet/virtual-kubelet/node/nodeutil"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func pairs(l listFlag, what string) (map[string]string, error) {
	m := map[string]string{}
	for _, v := range l {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" || val == "" {
			return nil, fmt.Errorf("--%s %q: want NAME=VALUE", what, v)
		}
		m[k] = val
	}
	return m, nil
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "container":
			if len(os.Args) == 3 {
				os.Exit(runContainer(os.Args[2]))
			}
		case "isolate":
			os.Exit(isolate(os.Args[2:]))
		case "isolated":
			os.Exit(isolated(os.Args[2:]))
		}
	}
	var (
		kubeconfig = flag.String("kubeconfig", "", "kubeconfig of the cluster")
		nodeName   = flag.String("node-name", "tekflow-node", "name of the Node object")
		listen     = flag.String("listen", "127.0.0.1:10250", "address of the kubelet API (logs)")
		tlsCert    = flag.String("tls-cert", "", "serving certificate of the kubelet API")
		tlsKey     = flag.String("tls-key", "", "key of the serving certificate")
		clientCA   = flag.String("client-ca", "", "CA that signs the API server's kubelet client certificate")
		stateDir   = flag.String("state-dir", "", "directory for pods' volumes, logs and termination messages")
		cpu        = flag.String("cpu", "32", "allocatable CPU the node reports")
		memory     = flag.String("memory", "64Gi", "allocatable memory the node reports")
		maxPods    = flag.String("pods", "110", "allocatable pods")
		binds      listFlag
		images     listFlag
	)
	flag.Var(&binds, "bind", "PATH=HOSTDIR: bind HOSTDIR at PATH in every container (repeatable)")
	flag.Var(&images, "image-command", "IMAGE=PATH: program run for a container of IMAGE that names no command (repeatable)")
	verbose := flag.Bool("v", false, "debug logging")
	flag.Parse()
	lr := logrus.New()
	lr.SetLevel(logrus.InfoLevel)
	if *verbose {
		lr.SetLevel(logrus.DebugLevel)
	}
	log.L = logruslogger.FromLogrus(logrus.NewEntry(lr))

	bindMap, err := pairs(binds, "bind")
	if err != nil {
		fatal(err)
	}
	imageMap, err := pairs(images, "image-command")
	if err != nil {
		fatal(err)
	}
	if *stateDir == "" || *kubeconfig == "" {
		fatal(fmt.Errorf("--state-dir and --kubeconfig are required"))
	}
	host, portStr, err := net.SplitHostPort(*listen)
	if err != nil {
		fatal(err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		fatal(err)
	}

	restCfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fatal(err)
	}
	client, err := kubernetes.NewForConfig(restCfg)
	if err != nil {
		fatal(err)
	}
	apiHost, apiPort := "", ""
	if h, p, err := net.SplitHostPort(strings.TrimPrefix(restCfg.Host, "https://")); err == nil {
		apiHost, apiPort = h, p
	}

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()

	var prov *Provider
	newProvider := func(cfg nodeutil.ProviderConfig) (nodeutil.Provider, node.NodeProvider, error) {
		n := cfg.Node
		n.Labels["kubernetes.io/os"] = "linux"
		n.Labels["kubernetes.io/arch"] = "amd64"
		n.Labels["tekflow.dev/node"] = "process"
		alloc := corev1.ResourceList{
			corev1.ResourceCPU:              resource.MustParse(*cpu),
			corev1.ResourceMemory:           resource.MustParse(*memory),
			corev1.ResourcePods:             resource.MustParse(*maxPods),
			corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
		}
		n.Status.Capacity = alloc
		n.Status.Allocatable = alloc.DeepCopy()
		n.Status.Addresses = []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: host},
			{Type: corev1.NodeHostName, Address: *nodeName},
		}
		n.Status.DaemonEndpoints.KubeletEndpoint.Port = int32(port)
		n.Status.NodeInfo = corev1.NodeSystemInfo{
			OperatingSystem:         "linux",
			Architecture:            "amd64",
			KubeletVersion:          "v1.35.4",
			ContainerRuntimeVersion: "tekflow-process://1",
		}
		for i := range n.Status.Conditions {
			c := &n.Status.Conditions[i]
			if c.Type != corev1.NodeReady {
				c.Status = corev1.ConditionFalse
				c.Reason = "KubeletHasNo" + string(c.Type)
			}
		}
		prov = &Provider{
			nodeName:   *nodeName,
			hostIP:     host,
			stateDir:   *stateDir,
			self:       self,
			binds:      bindMap,
			images:     imageMap,
			client:     client,
			configMaps: cfg.ConfigMaps,
			secrets:    cfg.Secrets,
			apiHost:    apiHost,
			apiPort:    apiPort,
			pods:       map[string]*podRun{},
			notify:     func(*corev1.Pod) {},
		}
		return prov, nil, nil
	}

	mux := newMux()
	opts := []nodeutil.NodeOpt{
		nodeutil.WithClient(client),
		nodeutil.AttachProviderRoutes(mux),
		func(c *nodeutil.NodeConfig) error {
			c.HTTPListenAddr = *listen
			c.Handler = mux
			c.NumWorkers = 4
			return nil
		},
	}
	if *tlsCert != "" {
		tlsOpts := []func(*tls.Config) error{nodeutil.WithKeyPairFromPath(*tlsCert, *tlsKey)}
		if *clientCA != "" {
			tlsOpts = append(tlsOpts, nodeutil.WithCAFromPath(*clientCA))
		}
		opts = append(opts, nodeutil.WithTLSConfig(tlsOpts...))
	}
	n, err := nodeutil.NewNode(*nodeName, newProvider, opts...)
	if err != nil {
		fatal(err)
	}
	go func() {
		if err := n.Run(ctx); err != nil && ctx.Err() == nil {
			log.G(ctx).WithError(err).Error("node stopped")
			cancel()
		}
	}()
	if err := n.WaitReady(ctx, time.Minute); err != nil {
		fatal(err)
	}
	log.G(ctx).Infof("node %s ready, kubelet API on %s", *nodeName, *listen)
	<-ctx.Done()
	prov.stopAll()
	<-n.Done()
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "tekflow-node:", err)
	os.Exit(1)
}
