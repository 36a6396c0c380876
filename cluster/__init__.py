"""tekflow.cluster"""
