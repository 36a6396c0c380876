"""tekflow: Kubeflow Pipelines v2 on plain Tekton, with MLflow lineage."""

__version__ = "0.1.0"
