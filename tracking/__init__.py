"""tekflow.tracking"""
