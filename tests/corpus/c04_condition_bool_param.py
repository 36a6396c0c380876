"""Conditions on a bool parameter and on a str parameter."""
from tekflow import dsl


@dsl.component(base_image="python:3.11")
def mark(label: str) -> str:
    return label


@dsl.pipeline(name="condition-bool-param")
def condition_bool_param(deploy: bool = False, env: str = "dev"):
    with dsl.If(deploy == True):  # noqa: E712 - kfp builds the condition from ==
        mark(label="deploy").set_display_name("deploy")
    with dsl.If(deploy == False):  # noqa: E712
        mark(label="dry-run").set_display_name("dry-run")
    with dsl.If(env != "prod"):
        mark(label="not-prod").set_display_name("not-prod")


VARIANTS = [
    {"arguments": {"deploy": True, "env": "prod"},
     "tasks": {"deploy": "Succeeded", "dry-run": "Skipped", "not-prod": "Skipped"}},
    {"arguments": {"deploy": False, "env": "dev"},
     "tasks": {"deploy": "Skipped", "dry-run": "Succeeded", "not-prod": "Succeeded"}},
]
