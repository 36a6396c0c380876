"""tekflow.compiler"""
