"""tekflow.cli"""
