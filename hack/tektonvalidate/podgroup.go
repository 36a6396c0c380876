package main

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kjson "sigs.k8s.io/json"
)

// podGroupAPIVersions are the gang schedulers' PodGroup API versions.
var podGroupAPIVersions = map[string]bool{
	"scheduling.volcano.sh/v1beta1": true,
	"scheduling.x-k8s.io/v1alpha1":  true,
}

// podGroup holds the PodGroup fields of Volcano's and coscheduling's CRDs:
// minMember, minResources and priorityClassName, which both have, and
// Volcano's queue. (Neither project's Go module is served to this build.)
type podGroup struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       struct {
		MinMember         int32                        `json:"minMember"`
		MinResources      map[string]resource.Quantity `json:"minResources,omitempty"`
		PriorityClassName string                       `json:"priorityClassName,omitempty"`
		Queue             string                       `json:"queue,omitempty"`
	} `json:"spec"`
}

func checkPodGroup(res *Result, data []byte) *Result {
	var pg podGroup
	strictErrs, err := kjson.UnmarshalStrict(data, &pg)
	if err != nil {
		return res.fail("cannot decode: " + err.Error())
	}
	for _, e := range strictErrs {
		res.fail("strict decoding error: " + e.Error())
	}
	if pg.Metadata.Namespace == "" {
		pg.Metadata.Namespace = defaultNamespace // kubectl fills the context's namespace
	}
	res.addFieldErrors(apivalidation.ValidateObjectMeta(&pg.Metadata, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata")))
	if pg.Spec.MinMember < 1 {
		res.fail(fmt.Sprintf("spec.minMember: %d: a gang needs at least one member", pg.Spec.MinMember))
	}
	if pg.Spec.PriorityClassName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(pg.Spec.PriorityClassName, false) {
			res.fail("spec.priorityClassName: " + msg)
		}
	}
	res.OK = len(res.Errors) == 0
	return res
}
