package main

import (
	"context"
	"fmt"

	tconfig "github.com/tektoncd/triggers/pkg/apis/config"
	tcontexts "github.com/tektoncd/triggers/pkg/apis/triggers/contexts"
	triggersv1beta1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1beta1"
	"knative.dev/pkg/apis"
)

const triggersAPIVersion = "triggers.tekton.dev/v1beta1"

// triggersKinds are the Tekton Triggers kinds judged, with whether each is namespaced.
var triggersKinds = map[string]struct {
	newObject  func() object
	namespaced bool
}{
	"TriggerTemplate":       {func() object { return &triggersv1beta1.TriggerTemplate{} }, true},
	"TriggerBinding":        {func() object { return &triggersv1beta1.TriggerBinding{} }, true},
	"EventListener":         {func() object { return &triggersv1beta1.EventListener{} }, true},
	"Trigger":               {func() object { return &triggersv1beta1.Trigger{} }, true},
	"ClusterTriggerBinding": {func() object { return &triggersv1beta1.ClusterTriggerBinding{} }, false},
}

// newTriggersContext returns the context Triggers' webhook (its cmd/webhook)
// gives SetDefaults and Validate: its config store's defaults and feature flags
// (here from empty ConfigMaps, i.e. Triggers' defaults), "upgrade via
// defaulting" (which EventListener's and Trigger's SetDefaults look for), and
// a create operation.
func newTriggersContext() (context.Context, error) {
	defaults, err := tconfig.NewDefaultsFromMap(map[string]string{})
	if err != nil {
		return nil, err
	}
	flags, err := tconfig.NewFeatureFlagsFromMap(map[string]string{})
	if err != nil {
		return nil, err
	}
	ctx := tconfig.ToContext(context.Background(), &tconfig.Config{Defaults: defaults, FeatureFlags: flags})
	return apis.WithinCreate(tcontexts.WithUpgradeViaDefaulting(ctx)), nil
}

func checkTriggers(ctx context.Context, res *Result, data []byte, kind string) *Result {
	k, ok := triggersKinds[kind]
	if !ok {
		return res.fail(fmt.Sprintf("kind %q is not supported for apiVersion %q: want TriggerTemplate, TriggerBinding, EventListener, Trigger or ClusterTriggerBinding", kind, triggersAPIVersion))
	}
	return judgeObject(ctx, res, data, k.newObject(), "Triggers", apiServer{checkMeta: true, namespaced: k.namespaced})
}
