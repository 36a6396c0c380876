"""tekflow.runtime"""
