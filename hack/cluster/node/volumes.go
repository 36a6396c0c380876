package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// pvcWait bounds how long a pod waits for its claims to be bound.
const pvcWait = 5 * time.Minute

// prepareVolumes gives each of the pod's volumes a host directory: a fresh
// one under the pod's directory (emptyDir, configMap, secret, downwardAPI,
// projected) or the one a hostPath volume or a bound PersistentVolume names.
func (p *Provider) prepareVolumes(pr *podRun, pod *corev1.Pod) error {
	ctx := context.Background()
	vols := map[string]string{}
	for _, v := range pod.Spec.Volumes {
		own := filepath.Join(pr.dir, "volumes", v.Name)
		var dir string
		var err error
		switch {
		case v.EmptyDir != nil:
			dir, err = own, os.MkdirAll(own, 0o777)
			if err == nil {
				err = os.Chmod(own, 0o777)
			}
		case v.HostPath != nil:
			dir = v.HostPath.Path
			if t := v.HostPath.Type; t != nil && *t == corev1.HostPathDirectoryOrCreate {
				err = os.MkdirAll(dir, 0o755)
			} else if t != nil && *t == corev1.HostPathFileOrCreate {
				err = touch(dir)
			}
		case v.PersistentVolumeClaim != nil:
			dir, err = p.claimPath(ctx, pod.Namespace, v.PersistentVolumeClaim.ClaimName)
		case v.ConfigMap != nil:
			dir = own
			err = p.writeConfigMap(own, pod.Namespace, v.ConfigMap.Name, v.ConfigMap.Items, v.ConfigMap.Optional)
		case v.Secret != nil:
			dir = own
			err = p.writeSecret(own, pod.Namespace, v.Secret.SecretName, v.Secret.Items, v.Secret.Optional)
		case v.DownwardAPI != nil:
			dir = own
			err = writeDownwardItems(own, pod, v.DownwardAPI.Items)
		case v.Projected != nil:
			dir = own
			err = p.writeProjected(ctx, own, pod, v.Projected.Sources)
		default:
			err = fmt.Errorf("volume %s: this node supports emptyDir, hostPath, persistentVolumeClaim, configMap, secret, downwardAPI and projected volumes", v.Name)
		}
		if err != nil {
			return fmt.Errorf("volume %s: %w", v.Name, err)
		}
		vols[v.Name] = dir
	}
	pr.mu.Lock()
	pr.volumes = vols
	latest := pr.pod.DeepCopy()
	pr.mu.Unlock()
	// Annotations may have changed while volumes were being made.
	return p.writeDownward(pr, latest)
}

// writeDownward rewrites the downward-API files of a pod (labels and
// annotations change after the pod starts: Tekton's ready annotation).
func (p *Provider) writeDownward(pr *podRun, pod *corev1.Pod) error {
	pr.mu.Lock()
	vols := pr.volumes
	pr.mu.Unlock()
	for _, v := range pod.Spec.Volumes {
		dir, ok := vols[v.Name]
		if !ok {
			continue
		}
		if v.DownwardAPI != nil {
			if err := writeDownwardItems(dir, pod, v.DownwardAPI.Items); err != nil {
				return err
			}
		}
		if v.Projected != nil {
			for _, s := range v.Projected.Sources {
				if s.DownwardAPI != nil {
					if err := writeDownwardItems(dir, pod, s.DownwardAPI.Items); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

func (p *Provider) claimPath(ctx context.Context, ns, name string) (string, error) {
	deadline := time.Now().Add(pvcWait)
	for {
		pvc, err := p.client.CoreV1().PersistentVolumeClaims(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return "", err
		}
		if err == nil && pvc.Status.Phase == corev1.ClaimBound && pvc.Spec.VolumeName != "" {
			pv, err := p.client.CoreV1().PersistentVolumes().Get(ctx, pvc.Spec.VolumeName, metav1.GetOptions{})
			if err != nil {
				return "", err
			}
			switch {
			case pv.Spec.HostPath != nil:
				return pv.Spec.HostPath.Path, os.MkdirAll(pv.Spec.HostPath.Path, 0o777)
			case pv.Spec.Local != nil:
				return pv.Spec.Local.Path, nil
			}
			return "", fmt.Errorf("persistent volume %s is neither hostPath nor local", pv.Name)
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("claim %s/%s not bound after %s", ns, name, pvcWait)
		}
		time.Sleep(time.Second)
	}
}

func (p *Provider) configMapData(ns, name string) (map[string][]byte, error) {
	cm, err := p.configMaps.ConfigMaps(ns).Get(name)
	if apierrors.IsNotFound(err) {
		cm, err = p.client.CoreV1().ConfigMaps(ns).Get(context.Background(), name, metav1.GetOptions{})
	}
	if err != nil {
		return nil, err
	}
	data := map[string][]byte{}
	for k, v := range cm.Data {
		data[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		data[k] = v
	}
	return data, nil
}

func (p *Provider) secretData(ns, name string) (map[string][]byte, error) {
	s, err := p.secrets.Secrets(ns).Get(name)
	if apierrors.IsNotFound(err) {
		s, err = p.client.CoreV1().Secrets(ns).Get(context.Background(), name, metav1.GetOptions{})
	}
	if err != nil {
		return nil, err
	}
	return s.Data, nil
}

func (p *Provider) writeConfigMap(dir, ns, name string, items []corev1.KeyToPath, optional *bool) error {
	data, err := p.configMapData(ns, name)
	if apierrors.IsNotFound(err) && optional != nil && *optional {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	return writeKeys(dir, data, items)
}

func (p *Provider) writeSecret(dir, ns, name string, items []corev1.KeyToPath, optional *bool) error {
	data, err := p.secretData(ns, name)
	if apierrors.IsNotFound(err) && optional != nil && *optional {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	return writeKeys(dir, data, items)
}

func writeKeys(dir string, data map[string][]byte, items []corev1.KeyToPath) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if len(items) == 0 {
		for k, v := range data {
			if err := writeAtomic(dir, k, v); err != nil {
				return err
			}
		}
		return nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			return fmt.Errorf("key %q not found", it.Key)
		}
		if err := writeAtomic(dir, it.Path, v); err != nil {
			return err
		}
	}
	return nil
}

func (p *Provider) writeProjected(ctx context.Context, dir string, pod *corev1.Pod, sources []corev1.VolumeProjection) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, s := range sources {
		var err error
		switch {
		case s.ConfigMap != nil:
			err = p.writeConfigMap(dir, pod.Namespace, s.ConfigMap.Name, s.ConfigMap.Items, s.ConfigMap.Optional)
		case s.Secret != nil:
			err = p.writeSecret(dir, pod.Namespace, s.Secret.Name, s.Secret.Items, s.Secret.Optional)
		case s.DownwardAPI != nil:
			err = writeDownwardItems(dir, pod, s.DownwardAPI.Items)
		case s.ServiceAccountToken != nil:
			err = p.writeToken(ctx, dir, pod, s.ServiceAccountToken)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *Provider) writeToken(ctx context.Context, dir string, pod *corev1.Pod, src *corev1.ServiceAccountTokenProjection) error {
	sa := pod.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	req := &authv1.TokenRequest{Spec: authv1.TokenRequestSpec{
		ExpirationSeconds: src.ExpirationSeconds,
		BoundObjectRef:    &authv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
	}}
	if src.Audience != "" {
		req.Spec.Audiences = []string{src.Audience}
	}
	tok, err := p.client.CoreV1().ServiceAccounts(pod.Namespace).CreateToken(ctx, sa, req, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("token for service account %s: %w", sa, err)
	}
	return writeAtomic(dir, src.Path, []byte(tok.Status.Token))
}

func writeDownwardItems(dir string, pod *corev1.Pod, items []corev1.DownwardAPIVolumeFile) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, it := range items {
		var val string
		if it.FieldRef != nil {
			v, err := fieldValue(pod, it.FieldRef.FieldPath)
			if err != nil {
				return err
			}
			val = v
		} else if it.ResourceFieldRef != nil {
			val = "0"
		}
		if err := writeAtomic(dir, it.Path, []byte(val)); err != nil {
			return err
		}
	}
	return nil
}

// fieldValue reads the pod fields a downward-API file may name.
func fieldValue(pod *corev1.Pod, path string) (string, error) {
	mapKey := func(prefix string) (string, bool) {
		if strings.HasPrefix(path, prefix+"['") && strings.HasSuffix(path, "']") {
			return path[len(prefix)+2 : len(path)-2], true
		}
		return "", false
	}
	if k, ok := mapKey("metadata.annotations"); ok {
		return pod.Annotations[k], nil
	}
	if k, ok := mapKey("metadata.labels"); ok {
		return pod.Labels[k], nil
	}
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "metadata.labels":
		return formatMap(pod.Labels), nil
	case "metadata.annotations":
		return formatMap(pod.Annotations), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.hostIP", "status.podIP":
		return "127.0.0.1", nil
	}
	return "", fmt.Errorf("downward API field %q is not supported", path)
}

func formatMap(m map[string]string) string {
	var lines []string
	for k, v := range m {
		lines = append(lines, fmt.Sprintf("%s=%q", k, v))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// writeAtomic replaces dir/rel so that a reader sees the old or the new
// content, never a partial one.
func writeAtomic(dir, rel string, data []byte) error {
	if rel == "" || filepath.IsAbs(rel) || strings.HasPrefix(filepath.Clean(rel), "..") {
		return fmt.Errorf("bad file path %q", rel)
	}
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func touch(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}
